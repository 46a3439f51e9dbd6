// Binds a Xero sign-in to the browser that started it (RFC 9700 §2.1 with §4.7.1: a state
// bound to the user agent that started the flow, against CSRF and an authorization response
// delivered by another browser). Opening the sign-in's launch URL (GET
// /v1/oauth/authorize, which only the extension's auth window is given) sets a cookie on the
// relay's own origin whose value only the relay can compute for that sign-in's state; the
// callback refuses a browser that does not carry it. Someone who is sent the raw Xero
// authorise URL of another install's sign-in comes back without the cookie, so nothing is
// exchanged or parked for that install.
//
// The value is an HMAC of the state under a key derived (HKDF) from each TOKEN_KEYS entry:
// the same on every instance and for every fetch of the launch URL (Firefox fetches it once
// in the background before opening its window), and still accepted while keys rotate.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const SIGN_IN_COOKIE = 'sb_sign_in';
export const CALLBACK_PATH = '/v1/oauth/callback';

export class SignInBinding {
  private readonly keys: Buffer[];

  constructor(
    tokenKeys: readonly { key: Buffer }[],
    private readonly isSecure: boolean,
  ) {
    this.keys = tokenKeys.map((k) =>
      Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'settlebridge sign-in browser binding v1', 32)),
    );
  }

  private mac(key: Buffer, state: string): Buffer {
    return createHmac('sha256', key).update(state, 'utf8').digest();
  }

  /** The Set-Cookie value the launch URL answers with, for `maxAgeSeconds` (the state's life). */
  setCookie(state: string, maxAgeSeconds: number): string {
    const value = this.mac(this.keys[0]!, state).toString('base64url');
    return this.cookie(value, Math.max(1, Math.min(600, Math.ceil(maxAgeSeconds))));
  }

  /** Removes the cookie once the callback has used its state. */
  clearCookie(): string {
    return this.cookie('', 0);
  }

  private cookie(value: string, maxAge: number): string {
    return [
      `${SIGN_IN_COOKIE}=${value}`,
      `Path=${CALLBACK_PATH}`,
      `Max-Age=${maxAge}`,
      'HttpOnly',
      'SameSite=Lax',
      ...(this.isSecure ? ['Secure'] : []),
    ].join('; ');
  }

  /** Whether the request's Cookie header carries this state's binding. */
  isBound(state: string, cookieHeader: string | undefined): boolean {
    const value = readCookie(cookieHeader, SIGN_IN_COOKIE);
    if (!value) return false;
    const given = Buffer.from(value, 'base64url');
    return this.keys.some((key) => {
      const want = this.mac(key, state);
      return given.length === want.length && timingSafeEqual(given, want);
    });
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
