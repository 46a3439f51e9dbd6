import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { t } from '../i18n';
import { marketplaceName } from '../marketplace-name';
import { marketplaceByCode, marketplaceById } from '../marketplaces';
import { matchAccount } from '../match-account';
import type { Handlers } from '../messages';
import type { PageContext } from '../page-context';
import { Account } from '../records';
import { type Clock, systemClock } from './clock';

export function createAccountHandlers(
  db: SettlebridgeDb,
  clock: Clock = systemClock,
  currentContext: () => Promise<PageContext | null> = async () => null,
): Pick<
  Handlers,
  'account/list' | 'account/create' | 'account/delete' | 'account/bind-amazon' | 'popup/state'
> {
  const list = async () => {
    const accounts = await db.accounts.toArray();
    return accounts.sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt);
  };

  return {
    'account/list': list,

    'popup/state': async () => {
      const [accounts, connections, context] = await Promise.all([
        list(),
        db.xeroConnections.toArray(),
        currentContext(),
      ]);
      return { accounts, connections, context, activeAccountId: matchAccount(accounts, context)?.id ?? null };
    },

    'account/delete': async ({ accountId }) => {
      await db.transaction('rw', db.accounts, async () => {
        const account = await db.accounts.get(accountId);
        if (!account) return;
        const dependants = await db.accounts.filter((a) => a.sharedFromAccountId === accountId).toArray();
        // Accounts that shared this one's connection keep it: the connection belongs to the
        // install, not to the account that happened to create it.
        for (const d of dependants) await db.accounts.update(d.id, { sharedFromAccountId: undefined });
        await db.accounts.delete(accountId);
      });
      return {};
    },

    'account/bind-amazon': async ({ accountId }) => {
      const account = await db.accounts.get(accountId);
      if (!account) throw new AppError('not_found', t('errors.accountGone'));
      const context = await currentContext();
      if (!context?.recognised) {
        throw new AppError('no_seller_central', t('errors.noSellerCentral'));
      }
      const market = marketplaceByCode(account.marketplace);
      const pageMarket = context.marketplaceId ? marketplaceById(context.marketplaceId) : undefined;
      // The page's own marketplace first; otherwise the switcher's list of every regional
      // account of this global account (one EU merchant id covers every EU marketplace).
      const merchantId =
        pageMarket?.code === account.marketplace
          ? context.merchantId
          : context.regionalAccounts?.find(
              (r) => marketplaceById(r.marketplaceId)?.code === account.marketplace,
            )?.merchantId;
      if (!merchantId && pageMarket && pageMarket.code !== account.marketplace) {
        throw new AppError(
          'marketplace_mismatch',
          t('errors.marketplaceMismatch', {
            page: marketplaceName(pageMarket),
            market: market ? marketplaceName(market) : account.marketplace,
          }),
        );
      }
      if (!merchantId) {
        throw new AppError('merchant_unknown', t('errors.merchantUnknown'));
      }
      const clash = (await db.accounts.where('merchantId').equals(merchantId).toArray()).find(
        (a) => a.id !== accountId && a.marketplace === account.marketplace,
      );
      if (clash) {
        throw new AppError('already_bound', t('errors.alreadyBound', { name: clash.name }));
      }
      const changes = {
        merchantId,
        ...(context.accountName ? { amazonAccountName: context.accountName } : {}),
        partnerAccountId: context.partnerAccountId,
        delegationContext: context.delegationContext,
        updatedAt: clock.now(),
      };
      await db.accounts.update(accountId, changes);
      return Account.parse(
        Object.fromEntries(Object.entries({ ...account, ...changes }).filter(([, v]) => v !== undefined)),
      );
    },

    'account/create': async ({ name, marketplace }) => {
      const market = marketplaceByCode(marketplace);
      if (!market) throw new AppError('invalid_input', t('errors.unknownMarketplace', { code: marketplace }));
      const now = clock.now();
      const account = Account.parse({
        id: crypto.randomUUID(),
        name,
        marketplace,
        currency: market.currency,
        createdAt: now,
        updatedAt: now,
      });
      // Check and insert in one transaction so two quick submits cannot both pass the check.
      await db.transaction('rw', db.accounts, async () => {
        const clash = await db.accounts
          .where('marketplace')
          .equals(marketplace)
          .filter((a) => a.name.toLocaleLowerCase() === name.toLocaleLowerCase())
          .first();
        if (clash) {
          throw new AppError(
            'duplicate_account',
            t('errors.duplicateAccount', { name: clash.name, market: marketplaceName(market) }),
          );
        }
        await db.accounts.add(account);
      });
      return account;
    },
  };
}
