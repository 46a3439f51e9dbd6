import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastForwardClock } from '../../relay/jobs/clock';
import { OrgScheduler, XERO_ORG_LIMITS } from '../../relay/jobs/scheduler';
import { openDb, type StoreDb } from '../../relay/store/db';
import { Store } from '../../relay/store/queries';
import { createClock } from '../../xero-sim/clock';
import { createPgSchema, PG_URL, STORE_KINDS, type StoreKind } from './harness';

describe.each(STORE_KINDS)('the per-organisation scheduler (%s store)', (storeKind: StoreKind) => {
  let db: StoreDb;
  let schema: Awaited<ReturnType<typeof createPgSchema>> | undefined;
  const base = createClock({ frozenAt: Date.UTC(2026, 10, 2, 9) });
  const clock = fastForwardClock(base);

  beforeAll(async () => {
    schema = storeKind === 'postgres' ? await createPgSchema() : undefined;
    db = await openDb(
      storeKind === 'postgres'
        ? { databaseUrl: PG_URL, schema: schema!.schema, poolSize: 4 }
        : { dataDir: 'memory://' },
    );
  });
  afterAll(async () => {
    await db?.close();
    await schema?.drop();
  });

  it('admits 5 at once, 60 a minute and 5,000 a day per organisation, and never lets one slow another', async () => {
    const scheduler = new OrgScheduler(new Store(db.db, db.dialect), clock, XERO_ORG_LIMITS);
    const a = 'tenant-a';
    const b = 'tenant-b';
    const inFlight = [];
    for (let i = 0; i < 5; i++) {
      const r = await scheduler.tryAdmit(a);
      expect(r.isAdmitted).toBe(true);
      if (r.isAdmitted) inFlight.push(r.slot);
    }
    expect(await scheduler.tryAdmit(a)).toMatchObject({ isAdmitted: false, reason: 'concurrent' });
    expect((await scheduler.tryAdmit(b)).isAdmitted).toBe(true); // b is not slowed by a
    for (const slot of inFlight) await scheduler.release(slot);

    for (let i = 5; i < 60; i++) {
      const r = await scheduler.tryAdmit(a);
      expect(r.isAdmitted).toBe(true);
      if (r.isAdmitted) await scheduler.release(r.slot);
    }
    const refused = await scheduler.tryAdmit(a);
    expect(refused).toMatchObject({ isAdmitted: false, reason: 'minute' });
    expect((await scheduler.tryAdmit(b)).isAdmitted).toBe(true);
    // acquire() waits for the window through the clock (here: jumps it) and then admits.
    const t0 = clock.now();
    const slot = await scheduler.acquire(a);
    expect(slot).toBeDefined();
    expect(clock.now() - t0).toBeGreaterThanOrEqual(60_000);

    // A 429's Retry-After holds every caller of that organisation, and only that one.
    await scheduler.block(a, 30);
    expect(await scheduler.tryAdmit(a)).toMatchObject({ isAdmitted: false, reason: 'blocked' });
    expect((await scheduler.tryAdmit(b)).isAdmitted).toBe(true);
    base.advance(31_000);

    const budget = await scheduler.budget(a);
    expect(budget.minuteRemaining).toBeLessThan(60);
    expect(budget.dayRemaining).toBe(5000 - 61);
  });

  it('stops at the day limit until the oldest call leaves the day window', async () => {
    const scheduler = new OrgScheduler(new Store(db.db, db.dialect), clock, {
      concurrent: 5,
      perMinute: 1000,
      perDay: 20,
    });
    const t = 'tenant-day';
    for (let i = 0; i < 20; i++) {
      const r = await scheduler.tryAdmit(t);
      expect(r.isAdmitted).toBe(true);
      if (r.isAdmitted) await scheduler.release(r.slot);
      base.advance(60_000);
    }
    const refused = await scheduler.tryAdmit(t);
    expect(refused).toMatchObject({ isAdmitted: false, reason: 'day' });
    if (!refused.isAdmitted) expect(refused.retryAt - clock.now()).toBeGreaterThan(22 * 3600_000);
  });

  it('counts a slow call in the minute window from when it ended, for the organisation and the app', async () => {
    // Xero stamps a call when it arrives, which may be seconds after admission: a call admitted
    // at t that reached Xero at t+3 s is inside Xero's window until t+63 s, so another call at
    // t+61.5 s would be the window's second (a 429), for the organisation and for the app.
    const scheduler = new OrgScheduler(new Store(db.db, db.dialect), clock, {
      concurrent: 5,
      perMinute: 1,
      perDay: 1000,
      appPerMinute: 1000,
    });
    const t = 'tenant-slow';
    const slow = await scheduler.tryAdmit(t);
    expect(slow.isAdmitted).toBe(true);
    const t0 = clock.now();
    base.advance(3_000);
    if (slow.isAdmitted) await scheduler.release(slow.slot);
    base.advance(58_500);
    const refused = await scheduler.tryAdmit(t);
    expect(refused).toMatchObject({ isAdmitted: false, reason: 'minute' });
    if (!refused.isAdmitted) expect(refused.retryAt).toBeGreaterThan(t0 + 3_000 + 60_000);
    base.advance(3_000);
    expect((await scheduler.tryAdmit(t)).isAdmitted).toBe(true);

    // The app-wide window (every organisation's calls, here just one a minute) counts the same way.
    base.advance(24 * 3600_000);
    const app = new OrgScheduler(new Store(db.db, db.dialect), clock, {
      concurrent: 5,
      perMinute: 1000,
      perDay: 1000,
      appPerMinute: 1,
    });
    const first = await app.tryAdmit('tenant-app-1');
    expect(first.isAdmitted).toBe(true);
    base.advance(3_000);
    if (first.isAdmitted) await app.release(first.slot);
    base.advance(58_500);
    expect(await app.tryAdmit('tenant-app-2')).toMatchObject({ isAdmitted: false, reason: 'app' });
    // A call never released (its instance died) counts until its lease ran out.
    base.advance(3_000);
    const inFlight = await app.tryAdmit('tenant-app-2');
    expect(inFlight.isAdmitted).toBe(true);
    base.advance(61_500);
    expect(await app.tryAdmit('tenant-app-3')).toMatchObject({ isAdmitted: false, reason: 'app' });
  });
});
