import { marketplaceById } from '../marketplaces';
import type { PageContext, RegionalAccount } from '../page-context';
import { type JsonContext, parseContextJson, parseRegionalAccountsJson } from './context-json';
import { PATHS, waitForHeader } from './page';

/** How long to wait for the header widget when the JSON endpoints gave no ids. */
export const HEADER_WAIT_MS = 8000;
/**
 * How long one switcher JSON request may take. A request that never answers would otherwise
 * keep the page from being reported at all, and the popup would go on showing the account
 * of the page before it.
 */
export const JSON_WAIT_MS = 5000;

async function getJson(fetchImpl: typeof fetch, url: URL, waitMs: number): Promise<unknown> {
  // Raced rather than aborted: in Firefox the page's own fetch (content.fetch) lives in the
  // page's realm and may refuse an AbortSignal made in the content script's.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  try {
    return await Promise.race([readJson(fetchImpl, url), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

async function readJson(fetchImpl: typeof fetch, url: URL): Promise<unknown> {
  try {
    const res = await fetchImpl(url, {
      credentials: 'include',
      headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return undefined;
    return await res.json();
  } catch {
    // Absent or changed endpoint: the header is the fallback.
    return undefined;
  }
}

/**
 * What account and marketplace this Seller Central page is in: the switcher's JSON first
 * (current selection, then every regional account of that global account), the page header
 * as the fallback (waited for, since a widget renders it late). Never throws; never writes
 * the page.
 */
export async function readPageContext(
  doc: Document,
  url: URL,
  fetchImpl: typeof fetch,
  opts: { headerWaitMs?: number; jsonWaitMs?: number; signal?: AbortSignal } = {},
): Promise<PageContext> {
  const jsonWaitMs = opts.jsonWaitMs ?? JSON_WAIT_MS;
  const json: JsonContext = parseContextJson(
    await getJson(fetchImpl, new URL(PATHS.contextJson, url.origin), jsonWaitMs),
  );
  let regionalAccounts: RegionalAccount[] = [];
  if (json.partnerAccountId) {
    const listUrl = new URL(PATHS.regionalAccountsJson, url.origin);
    listUrl.searchParams.set('globalAccountId', json.partnerAccountId);
    regionalAccounts = parseRegionalAccountsJson(await getJson(fetchImpl, listUrl, jsonWaitMs));
  }
  const hasIds = Boolean(json.merchantId && json.marketplaceId);
  const header = await waitForHeader(
    doc,
    url,
    hasIds ? 0 : (opts.headerWaitMs ?? HEADER_WAIT_MS),
    opts.signal,
  );
  // Ids from the JSON replace any the URL suggested: they are the selection actually in force.
  const merged: PageContext = { ...header, ...json };
  if (regionalAccounts.length > 0) merged.regionalAccounts = regionalAccounts;
  if (!merged.marketplaceName && merged.marketplaceId) {
    const market = marketplaceById(merged.marketplaceId);
    if (market) merged.marketplaceName = market.name;
  }
  merged.recognised = Boolean(merged.accountName || merged.marketplaceName || merged.merchantId);
  return merged;
}
