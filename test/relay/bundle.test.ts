// The production build: `npm run build:relay` output copied with package.json and the
// lockfile into an empty folder, `npm ci --omit=dev` there, then the bundled migrate,
// server and rekey run from it against xero-sim over HTTP (connect, then send invoices).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../relay/store/db';
import { NZ_TENANT_ID, SEED_CLIENT_ID, SEED_CLIENT_SECRET } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import { connectAccount, newInstall, startTestSim, TOKEN_KEY_A, TOKEN_KEY_B, tempDir } from './harness';
import { items, simInvoiceCounts, waitForJob } from './invoice-helpers';
import { spawnRelay } from './spawn';

describe('the bundled relay (dist/) on production dependencies only', () => {
  let sim: RunningSim;
  let deploy: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  const node = (script: string, extra: Record<string, string> = {}) =>
    execFileSync(process.execPath, [script], {
      cwd: deploy.path,
      env: { PATH: process.env.PATH, ...env, ...extra },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-relay.mjs'], { stdio: 'pipe' });
    deploy = tempDir('relay-deploy-');
    for (const f of ['package.json', 'package-lock.json', 'dist']) {
      cpSync(f, join(deploy.path, f), { recursive: true });
    }
    // --offline: the packages come from npm's cache, which the repository's own `npm ci`
    // filled; the test never reaches the registry.
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--offline'], {
      cwd: deploy.path,
      stdio: 'pipe',
      timeout: 400_000,
    });
    sim = await startTestSim();
    env = {
      XERO_CLIENT_ID: SEED_CLIENT_ID,
      XERO_CLIENT_SECRET: SEED_CLIENT_SECRET,
      XERO_IDENTITY_URL: sim.url,
      XERO_API_URL: sim.url,
      TOKEN_KEYS: TOKEN_KEY_A,
      RELAY_DATA_DIR: join(deploy.path, 'store'),
    };
  }, 600_000);
  afterAll(async () => {
    await sim?.stop();
    deploy?.remove();
  });

  it('has no development tools installed', () => {
    const has = (p: string) => existsSync(join(deploy.path, 'node_modules', p));
    expect(['tsx', 'esbuild', 'vitest', 'wxt', 'typescript'].filter(has)).toEqual([]);
    expect(['hono', 'prom-client', 'xero-node', '@electric-sql/pglite'].every(has)).toBe(true);
  });

  it('migrates, serves connect and send, and rekeys from dist/', { timeout: 180_000 }, async () => {
    expect(node('dist/relay/migrate.js')).toBe(
      `Applied ${MIGRATION_NAMES.length} migration(s): ${MIGRATION_NAMES.join(', ')}.\n`,
    );
    const relay = await spawnRelay(
      { ...env, MIGRATE_ON_START: '0' },
      {
        args: ['dist/relay/server.js'],
        cwd: deploy.path,
      },
    );
    try {
      const ext = await newInstall(relay.url);
      const { connectionId } = await connectAccount(ext, 'nz-bundle', [NZ_TENANT_ID]);
      const batch = items(6000, 6003);
      const { jobId } = await ext.client.submitInvoices({
        connectionId,
        accountId: 'nz-bundle',
        invoices: batch,
      });
      const job = await waitForJob(ext.client, jobId);
      expect(job.state).toBe('done');
      const counts = simInvoiceCounts(sim, NZ_TENANT_ID);
      expect(batch.map((i) => counts.get(i.invoice.InvoiceNumber))).toEqual([1, 1, 1]);
    } finally {
      expect(await relay.stop()).toBe(0);
    }
    // PGlite is single-process: rekey runs with the relay stopped.
    expect(node('dist/relay/rekey.js', { TOKEN_KEYS: `${TOKEN_KEY_B},${TOKEN_KEY_A}` })).toMatch(
      /Re-encrypted 1 of 1 connections under key "b"/,
    );
  });
});
