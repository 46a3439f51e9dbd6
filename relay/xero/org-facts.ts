// What the popup and the currency step read of an organisation (GET /Organisation,
// /Organisation/Actions, /Currencies: three Xero calls) is asked for often: every account
// sharing a connection, every popup opening, every currency step. Each ask costing three
// calls would burn the organisation's 60-a-minute budget (shared with invoice posting) in
// seconds. So, per process:
//  - single flight: concurrent asks on one connection share one read, and
//  - a short time to live: the connection's facts are answered from memory for a while;
//    enabling a currency through the relay forgets them (for every connection to that
//    organisation) at once.
// Kept per connection, not per organisation: a connection whose access Xero withdrew must
// learn it from its own calls, not be answered from another connection's read. Failures are
// never kept: the next ask reads Xero again.
import type { Organisation } from '../../lib/relay-api';

/** Long enough to absorb a burst of popups, short enough that a change made in Xero shows soon. */
export const ORGANISATION_FACTS_TTL_MS = 60_000;

interface Entry {
  facts: Organisation;
  expiresAt: number;
}

export class OrganisationFactsCache {
  /** By connection and tenant (`key`). */
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Organisation>>();
  /** Bumped by `forget`, so a read that started before a change is not kept after it. */
  private generation = 0;

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = ORGANISATION_FACTS_TTL_MS,
  ) {}

  /** The organisation's facts from memory, else one read shared by every concurrent ask. */
  get(tenantId: string, connectionId: string, read: () => Promise<Organisation>): Promise<Organisation> {
    const key = `${connectionId}\u0000${tenantId}`;
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return Promise.resolve(hit.facts);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const flight = read()
      .then((facts) => {
        if (this.generation === generation) {
          this.entries.set(key, { facts, expiresAt: this.now() + this.ttlMs });
          this.prune();
        }
        return facts;
      })
      .finally(() => {
        if (this.inflight.get(key) === flight) this.inflight.delete(key);
      });
    this.inflight.set(key, flight);
    return flight;
  }

  /** The caller wants Xero's answer now (a status check): the next `get` reads afresh. */
  drop(tenantId: string, connectionId: string): void {
    this.entries.delete(`${connectionId}\u0000${tenantId}`);
  }

  /** Something changed at Xero through the relay (a currency enabled): read afresh next time. */
  forget(tenantId: string): void {
    const isTenants = (key: string) => key.endsWith(`\u0000${tenantId}`);
    for (const key of this.entries.keys()) if (isTenants(key)) this.entries.delete(key);
    this.generation++;
    // A read already under way may predate the change: later asks start their own.
    for (const key of this.inflight.keys()) if (isTenants(key)) this.inflight.delete(key);
  }

  /** Keep the map small on a busy relay. */
  private prune(): void {
    if (this.entries.size <= 1000) return;
    const now = this.now();
    for (const [k, v] of this.entries) if (v.expiresAt <= now) this.entries.delete(k);
  }
}
