import { marketplaceByCode, marketplaceById } from './marketplaces';
import type { PageContext } from './page-context';
import type { Account } from './records';

const same = (a?: string, b?: string) =>
  a !== undefined && b !== undefined && a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/**
 * Which of the user's accounts a Seller Central page is showing. Ids when the page gave
 * them (merchant + marketplace); otherwise the header's account name and marketplace name
 * as they were recorded when the account was bound.
 */
export function matchAccount(accounts: readonly Account[], context: PageContext | null): Account | undefined {
  if (!context?.recognised) return undefined;
  const contextMarket = context.marketplaceId ? marketplaceById(context.marketplaceId) : undefined;
  if (context.merchantId && contextMarket) {
    const byIds = accounts.find(
      (a) => a.merchantId === context.merchantId && a.marketplace === contextMarket.code,
    );
    if (byIds) return byIds;
  }
  return accounts.find((a) => {
    const market = marketplaceByCode(a.marketplace);
    const marketMatches = contextMarket
      ? contextMarket.code === a.marketplace
      : same(context.marketplaceName, market?.name);
    return marketMatches && same(a.amazonAccountName, context.accountName);
  });
}
