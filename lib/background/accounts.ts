import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { marketplaceByCode } from '../marketplaces';
import type { Handlers } from '../messages';
import { Account } from '../records';

export interface Clock {
  now(): number;
}

export function createAccountHandlers(
  db: SettlebridgeDb,
  clock: Clock = Date,
): Pick<Handlers, 'account/list' | 'account/create'> {
  return {
    'account/list': async () => {
      const accounts = await db.accounts.toArray();
      return accounts.sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt);
    },

    'account/create': async ({ name, marketplace }) => {
      const market = marketplaceByCode(marketplace);
      if (!market) throw new AppError('invalid_input', `Unknown marketplace ${marketplace}.`);
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
            `You already have an account named "${clash.name}" in ${market.name}; choose another name.`,
          );
        }
        await db.accounts.add(account);
      });
      return account;
    },
  };
}
