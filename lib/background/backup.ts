/**
 * Export and import of the user's account metadata as one JSON document. Import validates
 * the whole document before writing anything and writes in one transaction, so a bad file
 * changes nothing. Tokens are never part of it: they live on the relay.
 */
import type { SettlebridgeDb } from '../db';
import { AppError, describeZodError } from '../errors';
import { t } from '../i18n';
import { BACKUP_FORMAT, Backup, type Handlers } from '../messages';
import type { Clock } from './clock';

export interface BackupDeps {
  db: SettlebridgeDb;
  clock: Clock;
}

export function createBackupHandlers({
  db,
  clock,
}: BackupDeps): Pick<Handlers, 'backup/export' | 'backup/import'> {
  return {
    'backup/export': async () =>
      ({
        format: BACKUP_FORMAT,
        version: 1,
        exportedAt: new Date(clock.now()).toISOString(),
        accounts: await db.accounts.toArray(),
        xeroConnections: await db.xeroConnections.toArray(),
        mappings: await db.mappings.toArray(),
      }) satisfies Backup,

    'backup/import': async ({ document }) => {
      const parsed = Backup.safeParse(document);
      if (!parsed.success) {
        throw new AppError(
          'invalid_backup',
          t('errors.backupInvalid', { problem: describeZodError(parsed.error, 'backup') }),
        );
      }
      const backup = parsed.data;
      const ids = new Set(backup.accounts.map((a) => a.id));
      const connectionIds = new Set(backup.xeroConnections.map((c) => c.id));
      for (const [i, a] of backup.accounts.entries()) {
        if (a.sharedFromAccountId && !ids.has(a.sharedFromAccountId)) {
          throw new AppError('invalid_backup', t('errors.backupSharesMissing', { n: i + 1, name: a.name }));
        }
        if (a.xeroConnectionId && !connectionIds.has(a.xeroConnectionId)) {
          throw new AppError(
            'invalid_backup',
            t('errors.backupConnectionMissing', { n: i + 1, name: a.name }),
          );
        }
      }
      await db.transaction('rw', db.accounts, db.xeroConnections, db.mappings, async () => {
        await db.xeroConnections.bulkPut(backup.xeroConnections);
        await db.accounts.bulkPut(backup.accounts);
        await db.mappings.bulkPut(backup.mappings);
      });
      return {
        accounts: backup.accounts.length,
        connections: backup.xeroConnections.length,
        mappings: backup.mappings.length,
      };
    },
  };
}
