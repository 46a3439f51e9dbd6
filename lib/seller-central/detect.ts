import { marketplaceById } from '../marketplaces';
import type { PageContext } from '../page-context';
import { parseContextJson } from './context-json';
import { PATHS, readHeader } from './page';

/**
 * What account and marketplace this Seller Central page is in: the switcher's JSON first
 * (it carries ids), the page header as the fallback. Never throws; never writes the page.
 */
export async function readPageContext(
  doc: Document,
  url: URL,
  fetchImpl: typeof fetch,
): Promise<PageContext> {
  const header = readHeader(doc, url);
  let json: ReturnType<typeof parseContextJson> = {};
  try {
    const res = await fetchImpl(new URL(PATHS.contextJson, url.origin), {
      credentials: 'include',
      headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (res.ok && (res.headers.get('content-type') ?? '').includes('json'))
      json = parseContextJson(await res.json());
  } catch {
    // Absent or changed endpoint: the header is enough to mark the page.
  }
  const marketplaceId = json.marketplaceId ?? header.marketplaceId;
  const merged: PageContext = {
    ...header,
    ...Object.fromEntries(Object.entries(json).filter(([, v]) => v !== undefined)),
    ...(marketplaceId ? { marketplaceId } : {}),
  };
  if (!merged.marketplaceName && marketplaceId) {
    const market = marketplaceById(marketplaceId);
    if (market) merged.marketplaceName = market.name;
  }
  merged.recognised = Boolean(merged.accountName || merged.marketplaceName || merged.merchantId);
  return merged;
}
