import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { t } from '../i18n';
import { marketplaceName } from '../marketplace-name';
import { marketplaceByCode, marketplaceById } from '../marketplaces';
import type { Handlers } from '../messages';
import { Account } from '../record-schemas';
import { switchUrl } from '../seller-central/page';
import type { Clock } from './clock';
import type { SellerCentral } from './seller-central';

/** Every account, by name (and by age among equal names). */
export async function listAccounts(db: SettlebridgeDb): Promise<Account[]> {
  const accounts = await db.accounts.toArray();
  return accounts.sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt);
}

export interface AccountDeps {
  db: SettlebridgeDb;
  clock: Clock;
  /** The Seller Central tabs: what the current one shows, and moving one to a switch link. */
  sellerCentral: Pick<SellerCentral, 'currentContext' | 'currentTab' | 'openSwitch'>;
}

export function createAccountHandlers({
  db,
  clock,
  sellerCentral,
}: AccountDeps): Pick<
  Handlers,
  'account/list' | 'account/create' | 'account/delete' | 'account/bind-amazon' | 'account/switch'
> {
  const list = () => listAccounts(db);
  const { currentContext } = sellerCentral;

  return {
    'account/list': list,

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

    'account/switch': async ({ accountId }) => {
      const account = await db.accounts.get(accountId);
      if (!account) throw new AppError('not_found', t('errors.accountGone'));
      const market = marketplaceByCode(account.marketplace);
      if (!account.merchantId || !market) {
        throw new AppError('not_bound', t('errors.notBound', { name: account.name }));
      }
      const current = await sellerCentral.currentTab();
      // Stay on the user's host when it serves the account's marketplace (e.g. .de for DE),
      // and on their page when it is an ordinary one, else go to the regional host's home.
      const hosts: readonly string[] = [market.host, ...market.altHosts];
      const host = current && hosts.includes(current.context.host) ? current.context.host : market.host;
      const currentPath = current?.context.path;
      const path =
        currentPath && !currentPath.startsWith('/ap/') && !currentPath.startsWith('/account-switcher/')
          ? currentPath
          : '/home';
      const url = switchUrl({
        host,
        path,
        merchantId: account.merchantId,
        marketplaceId: market.id,
        ...(account.partnerAccountId ? { partnerAccountId: account.partnerAccountId } : {}),
        ...(account.delegationContext ? { delegationContext: account.delegationContext } : {}),
      });
      const tabId = await sellerCentral.openSwitch(current?.tabId, url, { host, returnTo: path });
      return { url, tabId };
    },
  };
}
