import { marketplaceById } from './marketplaces';
import type { PageContext } from './page-context';
import type { Account } from './record-schemas';

/**
 * Which of the user's accounts a Seller Central page is showing: by ids only (merchant id
 * and marketplace), never by the header's names, which are localised and not unique.
 */
export function matchAccount(accounts: readonly Account[], context: PageContext | null): Account | undefined {
  if (!context?.recognised || !context.merchantId || !context.marketplaceId) return undefined;
  const market = marketplaceById(context.marketplaceId)?.code;
  if (!market) return undefined;
  return accounts.find((a) => a.merchantId === context.merchantId && a.marketplace === market);
}
