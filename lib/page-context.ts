import { z } from 'zod';
import { DelegationContext, MarketplaceId, MerchantId, PartnerAccountId } from './record-schemas';

/** One merchant + marketplace pair of the global account (the switcher's regional accounts). */
export const RegionalAccount = z.object({
  merchantId: MerchantId,
  marketplaceId: MarketplaceId,
  label: z.string().max(200).optional(),
});
export type RegionalAccount = z.infer<typeof RegionalAccount>;

/**
 * What the content script read off a Seller Central page. Everything optional: pages vary.
 * Ids are validated with the same schemas as stored accounts, so a page cannot hand the
 * background an id that later fails to switch or to match.
 */
export const PageContext = z.object({
  host: z.string().max(100),
  /** The page's path (no query), so a switch can keep the user where they are. */
  path: z
    .string()
    .max(500)
    .regex(/^\/(?![/\\])[^?#\\]*$/)
    .optional(),
  recognised: z.boolean(),
  merchantId: MerchantId.optional(),
  /** The bare marketplace id (the `amzn1.mp.o.` prefix is removed when read). */
  marketplaceId: MarketplaceId.optional(),
  partnerAccountId: PartnerAccountId.optional(),
  delegationContext: DelegationContext.optional(),
  accountName: z.string().max(200).optional(),
  marketplaceName: z.string().max(200).optional(),
  /** Every merchant + marketplace of the global account, when the switcher listed them. */
  regionalAccounts: z.array(RegionalAccount).max(40).optional(),
});
export type PageContext = z.output<typeof PageContext>;
