/**
 * The popup's last known account list (lib/last-known.ts), drawn as updating until its
 * `popup/state` answer arrives. The tab-specific page context is not kept.
 */
import { readLastKnown, writeLastKnown } from './last-known';
import type { MessageOutput } from './messages';

export type PopupSnapshot = Pick<
  MessageOutput<'popup/state'>,
  'accounts' | 'connections' | 'activeAccountId'
>;

export const POPUP_SNAPSHOT_KEY = 'settlebridge.popup-snapshot';
/** Bumped when the snapshot's shape changes, so an older one is ignored, not misread. */
const VERSION = 1;

export function readPopupSnapshot(storage: Pick<Storage, 'getItem'> | undefined): PopupSnapshot | null {
  return readLastKnown<PopupSnapshot>(
    storage,
    POPUP_SNAPSHOT_KEY,
    VERSION,
    (s) =>
      Array.isArray(s.accounts) &&
      Array.isArray(s.connections) &&
      (s.activeAccountId === null || typeof s.activeAccountId === 'string'),
  );
}

export function writePopupSnapshot(
  storage: Pick<Storage, 'setItem'> | undefined,
  state: PopupSnapshot,
): void {
  const snapshot: PopupSnapshot = {
    accounts: state.accounts,
    connections: state.connections,
    activeAccountId: state.activeAccountId,
  };
  writeLastKnown(storage, POPUP_SNAPSHOT_KEY, VERSION, snapshot);
}
