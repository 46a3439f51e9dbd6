/** What the popup shows on opening, in one answer. */
import type { SettlebridgeDb } from '../db';
import { matchAccount } from '../match-account';
import type { Handlers } from '../messages';
import { listAccounts } from './accounts';
import type { SellerCentral } from './seller-central';

export interface PopupDeps {
  db: SettlebridgeDb;
  sellerCentral: Pick<SellerCentral, 'currentContext'>;
}

export function createPopupHandlers({ db, sellerCentral }: PopupDeps): Pick<Handlers, 'popup/state'> {
  const list = () => listAccounts(db);
  const { currentContext } = sellerCentral;

  return {
    'popup/state': async () => {
      const [accounts, connections, context] = await Promise.all([
        list(),
        db.xeroConnections.toArray(),
        currentContext(),
      ]);
      return { accounts, connections, context, activeAccountId: matchAccount(accounts, context)?.id ?? null };
    },
  };
}
