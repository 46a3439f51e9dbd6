/**
 * A page's last known data, kept in the extension origin's localStorage so the page can
 * draw it synchronously on its next opening, before its round trip to the background
 * returns. Only a first picture: each page marks it as updating until the fresh answer
 * replaces it, so it is never shown as current. Only extension pages can read it; it holds
 * what IndexedDB already holds in the same origin, never a token or secret.
 */

/** The stored value, or null when there is none or it is not of this `version` and shape. */
export function readLastKnown<T>(
  storage: Pick<Storage, 'getItem'> | undefined,
  key: string,
  version: number,
  isShape: (value: Record<string, unknown>) => boolean,
): T | null {
  try {
    const text = storage?.getItem(key);
    if (!text) return null;
    const parsed = JSON.parse(text) as { version?: unknown; state?: unknown };
    const state = parsed?.state;
    if (parsed?.version !== version || !state || typeof state !== 'object') return null;
    return isShape(state as Record<string, unknown>) ? (state as T) : null;
  } catch {
    return null;
  }
}

export function writeLastKnown<T>(
  storage: Pick<Storage, 'setItem'> | undefined,
  key: string,
  version: number,
  state: T,
): void {
  try {
    storage?.setItem(key, JSON.stringify({ version, state }));
  } catch {
    // Full or unavailable storage only costs the next opening its head start.
  }
}
