/**
 * A marketplace's name in the seller's language: Intl's name of its country (Amazon's UK
 * marketplace is the region GB). English keeps the list's own names (lib/marketplaces.ts).
 */
import { formatRegion, getLocale } from './i18n';
import type { Marketplace } from './marketplaces';

export function marketplaceName(market: Pick<Marketplace, 'code' | 'name'>): string {
  if (getLocale() === 'en') return market.name;
  return formatRegion(market.code === 'UK' ? 'GB' : market.code) ?? market.name;
}
