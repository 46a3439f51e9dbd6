// The sim suites' sims: on a real socket whose fetch never follows redirects, or in-process.
// The OAuth drivers they use live with the local stack (dev/stack/sim-oauth.ts), re-exported here.
import type { SimHandle } from '../../dev/stack/sim-oauth.ts';
import { createSimApp, createSimDeps, type SimOptions } from '../../xero-sim/app.ts';
import { seedWithAmazonSection } from '../../xero-sim/seed.ts';
import { type RunningSim, type StartSimOptions, startSim } from '../../xero-sim/start.ts';

export * from '../../dev/stack/sim-oauth.ts';

/**
 * A sim on a real socket whose fetch never follows redirects. Its organisations carry an
 * Amazon section at free codes (201 Amazon Sales, 410 Amazon Seller Fees, 615 reserve…), as
 * the invoice rules here post to them; chart.test.ts uses the plain default charts.
 */
export async function startTestSim(options: StartSimOptions = {}): Promise<RunningSim & SimHandle> {
  const sim = await startSim({ isControlsEnabled: true, seed: seedWithAmazonSection(), ...options });
  return { ...sim, fetch: (url, init) => fetch(url, { redirect: 'manual', ...init }) };
}

/** The app without a socket, for tests that make thousands of calls. */
export function inProcessSim(options: SimOptions = {}) {
  const deps = createSimDeps({ isControlsEnabled: true, seed: seedWithAmazonSection(), ...options });
  const app = createSimApp(deps);
  const url = 'http://127.0.0.1:1';
  deps.state.config.publicUrl = url;
  const handle: SimHandle = { url, fetch: async (u, init) => app.request(u, init) };
  return { ...handle, app, deps, state: deps.state, clock: deps.state.clock };
}
