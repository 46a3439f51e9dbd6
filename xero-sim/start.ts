/**
 * Serves the sim on a real socket (127.0.0.1 by default) for tests, the demo and the CLI.
 * `startSim({ port: 0 })` picks a free port and resolves once listening.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createSimApp, createSimDeps, type SimOptions } from './app.ts';
import type { SimClock } from './clock.ts';
import { createControlsClient, type SimControlsClient } from './controls-client.ts';
import type { SimState } from './state.ts';

export interface StartSimOptions extends SimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default so nothing outside this machine can reach it. */
  host?: string;
}

export interface RunningSim {
  /** Base URL, e.g. http://127.0.0.1:41234 (identity, /connections and /api.xro/2.0 all live here). */
  url: string;
  port: number;
  /** The clock every expiry reads; `advance(ms)` fast-forwards it. */
  clock: SimClock;
  /** Live state, for assertions in the same process. */
  state: SimState;
  app: Hono;
  /** Typed client for /__sim controls (they answer 404 unless `isControlsEnabled`). */
  controls: SimControlsClient;
  stop(): Promise<void>;
}

export async function startSim(options: StartSimOptions = {}): Promise<RunningSim> {
  const deps = createSimDeps(options);
  const app = createSimApp(deps);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard bind is still reached through loopback by anything on this machine.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  if (!deps.state.config.publicUrl) deps.state.config.publicUrl = url;
  return {
    url,
    port,
    clock: deps.state.clock,
    state: deps.state,
    app,
    controls: createControlsClient(url),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        // Held calls (latency, timeout faults) must not keep the process alive.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
