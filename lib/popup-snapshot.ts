/**
 * The popup's last known account list, kept in the extension origin's localStorage so the
 * popup can draw it synchronously, before its `popup/state` round trip to the background
 * returns. It is only a first picture: the popup marks it as updating until the fresh state
 * arrives and replaces it, so it is never shown as current. It holds what IndexedDB already
 * holds in the same origin (account and connection metadata, never a token or secret), and
 * only extension pages can read it. The tab-specific page context is not kept.
 */
import type { MessageOutput } from './messages';

export type PopupSnapshot = Pick<
  MessageOutput<'popup/state'>,
  'accounts' | 'connections' | 'activeAccountId'
>;

export const POPUP_SNAPSHOT_KEY = 'settlebridge.popup-snapshot';
/** Bumped when the snapshot's shape changes, so an older one is ignored, not misread. */
const VERSION = 1;

/** The stored snapshot, or null when there is none or it does not look like one of ours. */
export function readPopupSnapshot(storage: Pick<Storage, 'getItem'> | undefined): PopupSnapshot | null {
  try {
    const text = storage?.getItem(POPUP_SNAPSHOT_KEY);
    if (!text) return null;
    const parsed = JSON.parse(text) as { version?: unknown; state?: Partial<PopupSnapshot> };
    const state = parsed?.state;
    if (parsed?.version !== VERSION || !state) return null;
    if (!Array.isArray(state.accounts) || !Array.isArray(state.connections)) return null;
    if (state.activeAccountId !== null && typeof state.activeAccountId !== 'string') return null;
    return state as PopupSnapshot;
  } catch {
    return null;
  }
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
  try {
    storage?.setItem(POPUP_SNAPSHOT_KEY, JSON.stringify({ version: VERSION, state: snapshot }));
  } catch {
    // Full or unavailable storage only costs the next popup its head start.
  }
}
