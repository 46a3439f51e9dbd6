/**
 * Reads the JSON that Seller Central's account switcher serves for the current selection
 * (`PATHS.contextJson`, asked with `Accept: application/json` and
 * `X-Requested-With: XMLHttpRequest`, else it answers HTML). The endpoint is undocumented
 * and its field names have changed over time, so this walks the document for the values it
 * needs by the shapes they have, rather than by one fixed path. Anything it cannot find
 * stays undefined; the page header is the fallback (see page.ts).
 */
import { marketplaceById } from '../marketplaces';

export interface JsonContext {
  merchantId?: string;
  marketplaceId?: string;
  partnerAccountId?: string;
  accountName?: string;
  marketplaceName?: string;
}

const MERCHANT_KEYS = /^(merchantId|mcid|directedMerchantId|merchantCustomerId|sellerId)$/i;
const MARKETPLACE_KEYS = /^(marketplaceId|mkid|obfuscatedMarketplaceId)$/i;
const PARTNER_KEYS = /^(partnerAccountId|paid|globalAccountId)$/i;
const ACCOUNT_NAME_KEYS = /^(accountName|globalAccountName|merchantName|displayName)$/i;
const MARKETPLACE_NAME_KEYS = /^(marketplaceName|regionalAccountName|countryName)$/i;

export function parseContextJson(json: unknown): JsonContext {
  const found: JsonContext = {};
  const seen = new Set<unknown>();
  const walk = (node: unknown, depth: number) => {
    if (depth > 8 || node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') {
        const v = value.trim();
        if (!found.merchantId && MERCHANT_KEYS.test(key) && /^[A-Z0-9]{8,20}$/.test(v)) found.merchantId = v;
        else if (!found.marketplaceId && MARKETPLACE_KEYS.test(key) && marketplaceById(v))
          found.marketplaceId = v;
        else if (!found.partnerAccountId && PARTNER_KEYS.test(key) && /^[A-Za-z0-9.-]{4,60}$/.test(v))
          found.partnerAccountId = v;
        else if (!found.accountName && ACCOUNT_NAME_KEYS.test(key) && v) found.accountName = v.slice(0, 200);
        else if (!found.marketplaceName && MARKETPLACE_NAME_KEYS.test(key) && v)
          found.marketplaceName = v.slice(0, 200);
      } else {
        walk(value, depth + 1);
      }
    }
  };
  walk(json, 0);
  return found;
}
