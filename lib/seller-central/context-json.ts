/**
 * Reads the JSON that Seller Central's account switcher serves (docs/domain.md#seller-central, from public
 * code that automates the switcher):
 *
 * - the current selection, `GET PATHS.contextJson`:
 *   `{"globalAccount":{"id":"amzn1.pa.d.…","label":"…","delegationContext":""},
 *     "regionalAccount":{"ids":{"mons_sel_dir_mcid":"amzn1.merchant.d.…","mons_sel_mkid":"amzn1.mp.o.…"},
 *     "label":"United States","globalAccountId":"amzn1.pa.d.…","domain":null,"selected":true}}`
 * - every regional account of a global account, `GET PATHS.regionalAccountsJson?globalAccountId=…`:
 *   a list of such `regionalAccount` objects (bare, or under `regionalAccounts`).
 *
 * Untrusted input: every id goes through its schema (record-schemas.ts) and is dropped when it does
 * not fit, labels are trimmed and capped, and nothing here throws.
 */
import { z } from 'zod';
import type { RegionalAccount } from '../page-context';
import { DelegationContext, MarketplaceId, MerchantId, PartnerAccountId } from '../record-schemas';
import { cleanLabel } from './labels';

export interface JsonContext {
  merchantId?: string;
  marketplaceId?: string;
  partnerAccountId?: string;
  delegationContext?: string;
  accountName?: string;
  marketplaceName?: string;
}

const Text = z.string().nullish().catch(undefined);
const RegionalAccountJson = z.looseObject({
  ids: z
    .looseObject({ mons_sel_dir_mcid: Text, mons_sel_mkid: Text, mons_sel_dir_paid: Text })
    .nullish()
    .catch(undefined),
  label: Text,
  globalAccountId: Text,
  selected: z.boolean().nullish().catch(undefined),
});
const CurrentContextJson = z.looseObject({
  globalAccount: z.looseObject({ id: Text, label: Text, delegationContext: Text }).nullish().catch(undefined),
  regionalAccount: RegionalAccountJson.nullish().catch(undefined),
});

/** The value if it passes `schema`, else undefined (an unexpected id is never kept). */
function valid<T>(schema: z.ZodType<T>, value: string | null | undefined): T | undefined {
  if (value === null || value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The current account and marketplace from the switcher's current-selection JSON. */
export function parseContextJson(json: unknown): JsonContext {
  const parsed = CurrentContextJson.safeParse(json);
  if (!parsed.success) return {};
  const { globalAccount, regionalAccount } = parsed.data;
  return defined({
    merchantId: valid(MerchantId, regionalAccount?.ids?.mons_sel_dir_mcid),
    marketplaceId: valid(MarketplaceId, regionalAccount?.ids?.mons_sel_mkid),
    partnerAccountId:
      valid(PartnerAccountId, globalAccount?.id) ??
      valid(PartnerAccountId, regionalAccount?.globalAccountId) ??
      valid(PartnerAccountId, regionalAccount?.ids?.mons_sel_dir_paid),
    delegationContext: valid(DelegationContext, globalAccount?.delegationContext),
    accountName: cleanLabel(globalAccount?.label),
    marketplaceName: cleanLabel(regionalAccount?.label),
  });
}

/**
 * Every merchant + marketplace pair in the regional-accounts list. Entries whose ids do not
 * fit are skipped; the rest are kept, in the order the page gave them, without duplicates.
 */
export function parseRegionalAccountsJson(json: unknown): RegionalAccount[] {
  const list = Array.isArray(json)
    ? json
    : json &&
        typeof json === 'object' &&
        Array.isArray((json as { regionalAccounts?: unknown }).regionalAccounts)
      ? (json as { regionalAccounts: unknown[] }).regionalAccounts
      : [];
  const found = new Map<string, RegionalAccount>();
  for (const item of list.slice(0, 100)) {
    const parsed = RegionalAccountJson.safeParse(item);
    if (!parsed.success) continue;
    const merchantId = valid(MerchantId, parsed.data.ids?.mons_sel_dir_mcid);
    const marketplaceId = valid(MarketplaceId, parsed.data.ids?.mons_sel_mkid);
    if (!merchantId || !marketplaceId || found.has(marketplaceId)) continue;
    const label = cleanLabel(parsed.data.label);
    found.set(marketplaceId, { merchantId, marketplaceId, ...(label ? { label } : {}) });
    if (found.size >= 40) break;
  }
  return [...found.values()];
}
