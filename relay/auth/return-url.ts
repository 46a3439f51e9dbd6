import { RETURN_URL_PATTERNS } from '../../lib/relay-api';

/** Return URLs must be an extension's own page or its browser-provided redirect host. */
export function isAllowedReturnUrl(url: string, extraPrefixes: readonly string[]): boolean {
  try {
    new URL(url);
  } catch {
    return false;
  }
  if (RETURN_URL_PATTERNS.some((re) => re.test(url))) return true;
  return extraPrefixes.some((p) => url.startsWith(p));
}
