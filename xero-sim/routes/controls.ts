/**
 * Test controls under /__sim, mounted only when enabled: inject failures and latency,
 * expire tokens, disconnect a tenant as if from inside Xero, read state, reset, and move
 * the clock. Never part of Xero's surface; the real service has nothing here.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import {
  AdvanceRequest,
  FaultRequest,
  LatencyRequest,
  LimitsRequest,
  type SimCall,
  type SimStateSnapshot,
} from '../controls-api.ts';
import type { SimDeps } from '../deps.ts';
import { toNumber } from '../money.ts';
import { resetState } from '../state.ts';

export function controlRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  const state = () => deps.state;

  app.post('/faults', zValidator('json', FaultRequest), (c) => {
    const f = c.req.valid('json');
    state().faults.push({
      kind: f.kind,
      remaining: f.count,
      scope: f.scope,
      pathPrefix: f.pathPrefix,
      ...(f.method ? { method: f.method } : {}),
      ...(f.kind === 'validation' ? { message: f.message } : {}),
      holdMs: f.holdMs,
      hangPhase: f.hangPhase,
    });
    return c.json({ queued: state().faults.reduce((n, q) => n + q.remaining, 0) });
  });

  app.delete('/faults', (c) => {
    state().faults = [];
    return c.json({ queued: 0 });
  });

  // The limiter reads the same object, so a change applies to the next call.
  app.post('/limits', zValidator('json', LimitsRequest), (c) => {
    Object.assign(state().config.limits, c.req.valid('json'));
    return c.json(state().config.limits);
  });

  app.post('/latency', zValidator('json', LatencyRequest), (c) => {
    state().latencyMs = c.req.valid('json').ms;
    return c.json({ latencyMs: state().latencyMs });
  });

  app.post('/expire-access-tokens', (c) => {
    const now = state().clock.now();
    let expired = 0;
    for (const record of state().accessTokens.values()) {
      if (record.expiresAt > now) {
        record.expiresAt = now;
        expired++;
      }
    }
    return c.json({ expired });
  });

  // What a user does in Xero under Settings > Connected apps > Disconnect.
  app.post('/tenants/:tenantId/disconnect', (c) => {
    const tenantId = c.req.param('tenantId');
    const before = state().connections.length;
    state().connections = state().connections.filter((k) => k.tenantId !== tenantId);
    return c.json({ removed: before - state().connections.length });
  });

  app.get('/state', (c) => c.json(snapshot(deps)));

  app.get('/calls', (c) => {
    const since = Number(c.req.query('since') ?? 0);
    const calls: SimCall[] = state().calls.filter((call) => call.at >= since);
    return c.json(calls);
  });

  app.post('/reset', (c) => {
    resetState(state());
    return c.json({ ok: true });
  });

  app.get('/clock', (c) => c.json({ now: state().clock.now() }));

  app.post('/clock/advance', zValidator('json', AdvanceRequest), (c) => {
    state().clock.advance(c.req.valid('json').ms);
    return c.json({ now: state().clock.now() });
  });

  return app;
}

export function snapshot(deps: SimDeps): SimStateSnapshot {
  const s = deps.state;
  return {
    now: s.clock.now(),
    counts: { ...s.counts },
    tenants: [...s.orgs.values()].map((org) => ({
      tenantId: org.tenantId,
      name: org.seed.Name,
      baseCurrency: org.seed.BaseCurrency,
      currencies: [...org.currencies],
      hasMulticurrency: org.hasMulticurrency,
      inFlight: s.limiter.inFlight(org.tenantId),
      invoices: [...org.invoices.values()].map((inv) => ({
        InvoiceID: inv.InvoiceID,
        Type: inv.Type,
        InvoiceNumber: inv.InvoiceNumber,
        Reference: inv.Reference,
        Status: inv.Status,
        CurrencyCode: inv.CurrencyCode,
        Total: toNumber(inv.Total),
        TotalTax: toNumber(inv.TotalTax),
        ContactName: org.contacts.get(inv.ContactID)?.Name,
        LineCount: inv.LineItems.length,
        Attachments: (org.attachments.get(inv.InvoiceID) ?? []).map((a) => ({
          FileName: a.FileName,
          MimeType: a.MimeType,
          ContentLength: a.ContentLength,
        })),
      })),
    })),
    connections: s.connections.map((k) => ({
      id: k.id,
      tenantId: k.tenantId,
      tenantName: k.tenantName,
      authEventId: k.authEventId,
      clientId: k.clientId,
    })),
    refreshFamilies: [...s.families.values()].map((f) => ({
      id: f.id,
      clientId: f.clientId,
      authEventId: f.authEventId,
      rotations: f.rotations,
      isRevoked: f.isRevoked,
      currentIssuedAt: f.currentIssuedAt,
      previousRotatedAt: f.previous?.rotatedAt,
    })),
    pendingFaults: s.faults.reduce((n, f) => n + f.remaining, 0),
    latencyMs: s.latencyMs,
  };
}
