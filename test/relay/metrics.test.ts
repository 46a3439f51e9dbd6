// GET /metrics: refused without the token, and during a bulk send that meets 429s and a
// 500 from the sim its counters agree with the sim's own call log. No tenant or
// connection id ever appears as a label value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastForwardClock } from '../../relay/jobs/clock';
import { createClock } from '../../xero-sim/clock';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { connectAccount, newInstall, type RelayUnderTest, startRelay, startTestSim } from './harness';
import { items, simInvoiceCounts } from './invoice-helpers';

const TOKEN = 'metrics-token-for-tests-0001';

/** Sum of a metric's samples whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

describe('relay metrics', () => {
  let sim: RunningSim;
  let relay: RelayUnderTest;
  const scrape = async () => {
    const res = await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };

  beforeAll(async () => {
    const clock = createClock({ frozenAt: Date.UTC(2026, 10, 2, 9) });
    sim = await startTestSim({ clock });
    relay = await startRelay({
      sim,
      store: 'pglite',
      env: { METRICS_TOKEN: TOKEN, TRUST_PROXY: '1' },
      build: { schedulerClock: fastForwardClock(clock), workerPollMs: 50 },
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await sim?.stop();
  });

  it('refuses /metrics without the token or with a wrong one', async () => {
    expect((await fetch(`${relay.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${relay.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN.replace('1', '2')}` },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('relay_xero_calls_total');
  });

  it('counts Xero outcomes, refreshes, queue and limiter during a bulk send with 429s', {
    timeout: 120_000,
  }, async () => {
    const ext = await newInstall(relay.url);
    const { connectionId } = await connectAccount(ext, 'nz-metrics', [NZ_TENANT_ID]);
    await sim.controls.expireAccessTokens();
    const before = await scrape();
    expect(sample(before, 'relay_xero_calls_total', { operation: 'createInvoices' })).toBe(0);
    const since = (await sim.controls.calls()).length;

    await sim.controls.setLatency(100);
    await sim.controls.failNext({ kind: '429', count: 3, pathPrefix: '/api.xro/' });
    await sim.controls.failNext({ kind: '500', count: 1, pathPrefix: '/api.xro/' });
    const { jobId } = await ext.client.submitInvoices({
      connectionId,
      accountId: 'nz-metrics',
      invoices: items(0, 200),
    });

    // Scrape while the job runs: the queue gauges show work waiting or in flight.
    let sawPending = false;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const text = await scrape();
      const pending =
        sample(text, 'relay_invoice_items', { state: 'queued' }) +
        sample(text, 'relay_invoice_items', { state: 'posting' });
      if (pending > 0) sawPending = true;
      const job = await ext.client.getJob({ jobId });
      if (job.counts.queued + job.counts.posting === 0) break;
      if (Date.now() > deadline) throw new Error(`job did not settle: ${JSON.stringify(job.counts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await sim.controls.setLatency(0);
    expect(sawPending).toBe(true);

    const after = await scrape();
    const calls = (await sim.controls.calls()).slice(since).filter((c) => c.path.startsWith('/api.xro/'));
    const sim429 = calls.filter((c) => c.status === 429).length;
    const sim500 = calls.filter((c) => c.status === 500).length;
    const simPutsOk = calls.filter((c) => c.method === 'PUT' && c.status === 200).length;
    expect(sim429).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'relay_xero_calls_total', { outcome: '429' })).toBe(sim429);
    expect(sample(after, 'relay_xero_calls_total', { outcome: '5xx' })).toBe(sim500);
    expect(sample(after, 'relay_xero_calls_total', { operation: 'createInvoices', outcome: 'ok' })).toBe(
      simPutsOk,
    );
    expect(sample(after, 'relay_xero_token_refreshes_total', { result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'relay_limiter_refusals_total', { reason: 'blocked' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'relay_limiter_wait_seconds_count')).toBeGreaterThanOrEqual(simPutsOk);
    expect(
      sample(after, 'relay_http_requests_total', {
        method: 'POST',
        route: '/v1/connections/:connectionId/invoice-jobs',
        status: '202',
      }),
    ).toBe(1);
    // Latency histograms: one observation per request and per call to Xero, whatever its outcome.
    expect(
      sample(after, 'relay_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/connections/:connectionId/invoice-jobs',
      }),
    ).toBe(1);
    expect(sample(after, 'relay_xero_call_duration_seconds_count', { operation: 'createInvoices' })).toBe(
      sample(after, 'relay_xero_calls_total', { operation: 'createInvoices' }),
    );
    expect(sample(after, 'relay_xero_calls_total', { operation: 'createInvoices' })).toBeGreaterThan(0);
    // Every queue state is reported, parked items included, even at zero.
    for (const state of ['queued', 'posting', 'needs_reconnect']) {
      expect(after).toMatch(new RegExp(`^relay_invoice_items\\{state="${state}"\\} \\d+$`, 'm'));
    }
    expect(sample(after, 'relay_invoice_items', { state: 'queued' })).toBe(0);
    expect(sample(after, 'relay_invoice_oldest_queued_seconds')).toBe(0);

    const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
    expect(items(0, 200).every((i) => counts.get(i.invoice.InvoiceNumber) === 1)).toBe(true);
    // Bounded labels: no organisation, connection or job id leaks into a label value.
    for (const id of [NZ_TENANT_ID, connectionId, jobId]) expect(after).not.toContain(id);
  });

  it('answers 404 at /metrics when METRICS_TOKEN is not set', async () => {
    const plain = await startRelay({ sim, store: 'pglite' });
    try {
      const res = await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('relay_http_requests_total');
    } finally {
      await plain.stop();
    }
  });

  it('logs the client address the one trusted proxy forwarded, not the proxy’s', async () => {
    await fetch(`${relay.url}/healthz`, { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' } });
    const line = relay.logs.lines.findLast((l) => l.includes('"path":"/healthz"'));
    expect(line).toContain('"ip":"203.0.113.9"');
  });

  it('labels a path with no route as unmatched, not by its text', async () => {
    await fetch(`${relay.url}/no/such/${'x'.repeat(20)}`);
    const text = await scrape();
    expect(
      sample(text, 'relay_http_requests_total', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('x'.repeat(20));
  });
});
