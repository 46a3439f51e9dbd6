import { describe, expect, it } from 'vitest';
import { SignInBinding } from '../../../relay/auth/sign-in-binding';

const k1 = { key: Buffer.alloc(32, 1) };
const k2 = { key: Buffer.alloc(32, 2) };
const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;

describe('SignInBinding', () => {
  it('gives the same cookie for the same state every time, and another for another state', () => {
    const b = new SignInBinding([k1], false);
    expect(b.setCookie('state-a', 600)).toBe(b.setCookie('state-a', 600));
    expect(cookieOf(b.setCookie('state-a', 600))).not.toBe(cookieOf(b.setCookie('state-b', 600)));
    expect(b.isBound('state-a', cookieOf(b.setCookie('state-a', 600)))).toBe(true);
    expect(b.isBound('state-a', cookieOf(b.setCookie('state-b', 600)))).toBe(false);
    expect(b.isBound('state-a', undefined)).toBe(false);
    expect(b.isBound('state-a', 'sb_sign_in=')).toBe(false);
    expect(b.isBound('state-a', 'sb_sign_in=not-a-mac; other=1')).toBe(false);
  });

  it('finds its cookie among others', () => {
    const b = new SignInBinding([k1], false);
    expect(b.isBound('s', `theme=dark; ${cookieOf(b.setCookie('s', 600))}; x=y`)).toBe(true);
  });

  it('accepts a cookie made under an older key while TOKEN_KEYS rotate, not under a key it lacks', () => {
    const before = new SignInBinding([k1], false);
    const rotated = new SignInBinding([k2, k1], false);
    const other = new SignInBinding([k2], false);
    const cookie = cookieOf(before.setCookie('s', 600));
    expect(rotated.isBound('s', cookie)).toBe(true);
    expect(other.isBound('s', cookie)).toBe(false);
  });

  it('scopes the cookie to the callback, HttpOnly and Lax, Secure on https, for at most 10 minutes', () => {
    expect(new SignInBinding([k1], true).setCookie('s', 599.2)).toMatch(
      /^sb_sign_in=[\w-]{43}; Path=\/v1\/oauth\/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/,
    );
    expect(new SignInBinding([k1], false).setCookie('s', 5000)).toMatch(
      /Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
    expect(new SignInBinding([k1], false).clearCookie()).toBe(
      'sb_sign_in=; Path=/v1/oauth/callback; Max-Age=0; HttpOnly; SameSite=Lax',
    );
  });
});
