import { z } from 'zod';

/** What the content script read off a Seller Central page. Everything optional: pages vary. */
export const PageContext = z.object({
  host: z.string().max(100),
  recognised: z.boolean(),
  merchantId: z.string().max(40).optional(),
  marketplaceId: z.string().max(60).optional(),
  partnerAccountId: z.string().max(60).optional(),
  accountName: z.string().max(200).optional(),
  marketplaceName: z.string().max(200).optional(),
});
export type PageContext = z.infer<typeof PageContext>;
