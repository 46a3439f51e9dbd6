/**
 * Mapping from the background: a settlement line's account code, set from its preview. The
 * rule goes into the organisation's Books setup when it has one (so it applies to that
 * organisation's sends), else into the default mapping, and the settlement is built again.
 */
import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { t } from '../i18n';
import type { Handlers } from '../messages';
import { DEFAULT_MAPPING_DOCUMENT, parseMapping } from '../settlement';
import { orgMappingId } from './books';
import type { Clock } from './clock';
import { createSettlementCore, MAPPING_ID, type SettlementDeps } from './settlements';

export interface MappingDeps {
  db: SettlebridgeDb;
  clock: Clock;
  /** The account shown in a Seller Central tab, as lib/match-account decides it. */
  accountForTab: SettlementDeps['accountForTab'];
}

export function createMappingHandlers(deps: MappingDeps): Pick<Handlers, 'mapping/set-account'> {
  const { db } = deps;
  const now = () => deps.clock.now();
  const { build, view, checkTab } = createSettlementCore(deps);

  return {
    'mapping/set-account': async ({ settlementKey, key, accountCode }, ctx) => {
      await checkTab(ctx, settlementKey);
      const settlement = await db.settlements.get(settlementKey);
      if (!settlement) throw new AppError('not_found', t('errors.settlementNotLoaded'));
      if (await db.sends.where('settlementKey').equals(settlementKey).count()) {
        throw new AppError('already_sent', t('errors.alreadySent'));
      }
      const [transactionType, amountType, amountDescription] = key.split('/');
      const account = await db.accounts.get(settlement.accountId);
      if (!account) throw new AppError('not_found', t('errors.accountGoneShort'));
      // The organisation's Books setup when it has one (the rule then applies to its sends).
      const connection = account.xeroConnectionId
        ? await db.xeroConnections.get(account.xeroConnectionId)
        : undefined;
      const org = connection ? await db.mappings.get(orgMappingId(connection.tenantId)) : undefined;
      const target = org ?? { id: MAPPING_ID, name: 'Default' };
      const current =
        org?.document ?? (await db.mappings.get(MAPPING_ID))?.document ?? DEFAULT_MAPPING_DOCUMENT;
      const doc = structuredClone(current) as { rules: Record<string, unknown>[] };
      // A rule naming all three fields wins over broader ones (lib/settlement/mapping.ts).
      doc.rules = [
        ...doc.rules.filter(
          (r) =>
            !(
              r.transactionType === transactionType &&
              r.amountType === amountType &&
              r.amountDescription === amountDescription
            ),
        ),
        {
          transactionType,
          amountType,
          amountDescription,
          accountCode,
          description: amountDescription || amountType || transactionType,
        },
      ];
      const parsed = parseMapping(doc);
      if (!parsed.ok)
        throw new AppError(
          'invalid_mapping',
          t('errors.accountCodeInvalid', { problem: parsed.error.message }),
        );
      await db.mappings.put({ id: target.id, name: target.name, document: doc, updatedAt: now() });
      const rebuilt = await build(settlement.source, account);
      await db.settlements.update(settlementKey, {
        report: rebuilt.report,
        payloads: rebuilt.payloads,
        updatedAt: now(),
      });
      return view(settlementKey);
    },
  };
}
