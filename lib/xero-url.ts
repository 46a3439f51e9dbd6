// A link to a posted invoice comes from the relay, which is not trusted to choose where the
// seller's browser goes: only https links on Xero's web app host are rendered.
const XERO_WEB_HOSTS = new Set(['go.xero.com']);

/** The URL when it is an https link into Xero's web app, otherwise undefined. */
export function safeXeroUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || !XERO_WEB_HOSTS.has(url.hostname) || url.username || url.password) {
    return undefined;
  }
  if (url.port) return undefined;
  return url.toString();
}
