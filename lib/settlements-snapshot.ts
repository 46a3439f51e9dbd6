/**
 * The Settlements page's last known first screen (unfiltered, first page; lib/last-known.ts),
 * drawn as updating, with its row actions off, until the `history/list` answer arrives.
 */
import type { HistoryPage } from './history';
import { readLastKnown, writeLastKnown } from './last-known';

export const SETTLEMENTS_SNAPSHOT_KEY = 'settlebridge.settlements-snapshot';
const VERSION = 1;

export function readSettlementsSnapshot(storage: Pick<Storage, 'getItem'> | undefined): HistoryPage | null {
  return readLastKnown<HistoryPage>(
    storage,
    SETTLEMENTS_SNAPSHOT_KEY,
    VERSION,
    (s) =>
      Array.isArray(s.rows) &&
      Array.isArray(s.accounts) &&
      typeof s.total === 'number' &&
      !!s.counts &&
      typeof s.counts === 'object',
  );
}

export function writeSettlementsSnapshot(
  storage: Pick<Storage, 'setItem'> | undefined,
  page: HistoryPage,
): void {
  writeLastKnown(storage, SETTLEMENTS_SNAPSHOT_KEY, VERSION, page);
}
