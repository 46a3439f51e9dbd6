/**
 * Xero's `Idempotency-Key` on PUT/POST/PATCH: up to 128 characters; a retry with the same
 * key replays the first answer instead of acting twice. Xero keeps keys only for minutes,
 * so entries expire. Reusing a key for a different request is refused.
 * https://developer.xero.com/documentation/guides/idempotent-requests/idempotency/
 */
import { createHash } from 'node:crypto';
import type { SimClock } from './clock.ts';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

interface Entry {
  fingerprint: string;
  expiresAt: number;
  response?: StoredResponse;
  pending?: Promise<StoredResponse | undefined>;
}

export type IdempotencyLookup =
  | { kind: 'new'; settle: (response: StoredResponse | undefined) => void }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' };

export function fingerprint(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method} ${path}\n${body}`).digest('base64url');
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: SimClock,
    private readonly ttlMs: number,
  ) {}

  /**
   * Claims `key` for a request with `print`. A concurrent retry waits for the first
   * request to finish and then replays it; an answer of `undefined` (the first attempt
   * failed before producing one) frees the key for the retry to run.
   */
  async begin(scope: string, key: string, print: string): Promise<IdempotencyLookup> {
    const id = `${scope}\u0000${key}`;
    const now = this.clock.now();
    let entry = this.entries.get(id);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(id);
      entry = undefined;
    }
    if (entry) {
      if (entry.fingerprint !== print) return { kind: 'mismatch' };
      const response = entry.response ?? (await entry.pending);
      if (response) return { kind: 'replay', response };
      return this.begin(scope, key, print);
    }
    let settle!: (response: StoredResponse | undefined) => void;
    const fresh: Entry = {
      fingerprint: print,
      expiresAt: now + this.ttlMs,
      pending: new Promise((resolve) => {
        settle = resolve;
      }),
    };
    this.entries.set(id, fresh);
    return {
      kind: 'new',
      settle: (response) => {
        if (response) fresh.response = response;
        else this.entries.delete(id);
        fresh.pending = undefined;
        settle(response);
      },
    };
  }

  get size(): number {
    return this.entries.size;
  }
}
