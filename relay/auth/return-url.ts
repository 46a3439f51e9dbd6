// Where a sign-in may send the browser back (RFC 9700 §2.1: exact redirect URIs and no open
// redirector, §4.11.1). Only the browser-provided redirect URL of an extension this relay
// serves qualifies: a Chrome extension's https://<id>.chromiumapp.org/ (or its own
// chrome-extension://<id>/ page), a Firefox extension's
// https://<sha1(gecko id)>.extensions.allizom.org/. The browser hands such a URL only to the
// auth window its own extension opened, so the relay code it carries is seen by that window
// and nothing else. Firefox's moz-extension:// origins are random per install and cannot be
// allow-listed, so they are refused.
import { createHash } from 'node:crypto';
import { RETURN_URL_PATTERNS } from '../../lib/relay-api';

const CHROME_ID = /^[a-p]{32}$/;

const firefoxRedirectHost = (geckoId: string) =>
  `${createHash('sha1').update(geckoId, 'utf8').digest('hex')}.extensions.allizom.org`;

export function isAllowedReturnUrl(
  url: string,
  allowedExtensionIds: readonly string[],
  extraPrefixes: readonly string[],
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (extraPrefixes.some((p) => url.startsWith(p))) return true;
  if (!RETURN_URL_PATTERNS.some((re) => re.test(url))) return false;
  if (parsed.username || parsed.password || parsed.port) return false;
  for (const id of allowedExtensionIds) {
    if (CHROME_ID.test(id)) {
      if (parsed.protocol === 'https:' && parsed.hostname === `${id}.chromiumapp.org`) return true;
      if (parsed.protocol === 'chrome-extension:' && parsed.hostname === id) return true;
    } else if (parsed.protocol === 'https:' && parsed.hostname === firefoxRedirectHost(id)) {
      return true;
    }
  }
  return false;
}
