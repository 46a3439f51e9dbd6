import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountHandlers } from '../../../lib/background/accounts';
import { createBackupHandlers } from '../../../lib/background/backup';
import { systemClock } from '../../../lib/background/clock';
import { SettlebridgeDb } from '../../../lib/db';
import { noSellerCentral } from './no-seller-central';

const ctx = { sender: {} };

describe('backup handlers', () => {
  let db: SettlebridgeDb;
  let backup: ReturnType<typeof createBackupHandlers>;

  beforeEach(async () => {
    db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    backup = createBackupHandlers({ db, clock: systemClock });
    await createAccountHandlers({ db, clock: systemClock, sellerCentral: noSellerCentral })['account/create'](
      { name: 'Acme US', marketplace: 'US' },
      ctx,
    );
  });

  it('round-trips accounts through export and import into an empty profile', async () => {
    const doc = await backup['backup/export']({}, ctx);
    const other = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    const counts = await createBackupHandlers({ db: other, clock: systemClock })['backup/import'](
      { document: doc },
      ctx,
    );
    expect(counts).toEqual({ accounts: 1, connections: 0, mappings: 0 });
    expect(await other.accounts.toArray()).toEqual(await db.accounts.toArray());
  });

  it.each([
    [{ hello: 'world' }, 'This is not a Settlebridge backup file.'],
    [null, 'not a Settlebridge backup'],
  ])('refuses %o with a reason and changes nothing', async (document, reason) => {
    const before = await db.accounts.toArray();
    await expect(backup['backup/import']({ document }, ctx)).rejects.toMatchObject({
      code: 'invalid_backup',
    });
    await expect(backup['backup/import']({ document }, ctx)).rejects.toThrow(/Nothing was changed/);
    if (document !== null) await expect(backup['backup/import']({ document }, ctx)).rejects.toThrow(reason);
    expect(await db.accounts.toArray()).toEqual(before);
  });

  it('names the bad field of a damaged account and imports none of the file', async () => {
    const doc = (await backup['backup/export']({}, ctx)) as { accounts: Record<string, unknown>[] };
    const good = { ...doc.accounts[0], id: crypto.randomUUID(), name: 'Second' };
    doc.accounts = [good, { ...doc.accounts[0], id: crypto.randomUUID(), marketplace: 'XX' }];
    await expect(backup['backup/import']({ document: doc }, ctx)).rejects.toThrow(/accounts\.1\.marketplace/);
    expect(await db.accounts.count()).toBe(1);
  });

  it('refuses an account that points at a connection missing from the file', async () => {
    const doc = (await backup['backup/export']({}, ctx)) as { accounts: Record<string, unknown>[] };
    doc.accounts = [{ ...doc.accounts[0], xeroConnectionId: 'missing' }];
    await expect(backup['backup/import']({ document: doc }, ctx)).rejects.toThrow(
      /Xero connection that is not in the file/,
    );
  });

  it('never exports anything that looks like a token', async () => {
    const text = JSON.stringify(await backup['backup/export']({}, ctx));
    expect(text).not.toMatch(/token|secret/i);
  });
});
