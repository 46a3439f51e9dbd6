import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_CHROME_EXTENSION_ID, DEV_CHROME_KEY } from '../../lib/extension-ids';
import { isAllowedReturnUrl } from '../../relay/auth/return-url';
import { parseEnv } from '../../relay/env';

describe('the local build’s extension ids', () => {
  it('derives the Chrome id from the manifest key the way Chrome does', () => {
    // Chrome: sha256 of the DER public key, first 128 bits, each hex digit written a–p.
    const hex = createHash('sha256').update(Buffer.from(DEV_CHROME_KEY, 'base64')).digest('hex');
    const id = [...hex.slice(0, 32)].map((d) => String.fromCharCode(97 + Number.parseInt(d, 16))).join('');
    expect(id).toBe(DEV_CHROME_EXTENSION_ID);
  });

  it('are what a relay accepts by default, and nothing else', () => {
    const env = parseEnv({
      XERO_CLIENT_ID: 'x',
      XERO_CLIENT_SECRET: 'y',
      PUBLIC_URL: 'http://127.0.0.1:1',
      TOKEN_KEYS: `a:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    const ok = (u: string) => isAllowedReturnUrl(u, env.ALLOWED_EXTENSION_IDS, env.RETURN_URL_PREFIXES);
    expect(ok(`https://${DEV_CHROME_EXTENSION_ID}.chromiumapp.org/xero`)).toBe(true);
    // Firefox: identity.getRedirectURL() is https://<sha1(gecko id)>.extensions.allizom.org/.
    const ff = createHash('sha1').update('settlebridge@settlebridge.app').digest('hex');
    expect(ok(`https://${ff}.extensions.allizom.org/xero`)).toBe(true);
    expect(ok('https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/xero')).toBe(false);
    expect(ok(`https://${DEV_CHROME_EXTENSION_ID}.chromiumapp.org.evil.example/xero`)).toBe(false);
  });
});
