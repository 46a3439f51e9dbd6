// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_DOCUMENT } from '../../../lib/settlement/default-mapping.ts';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/settlements');

// The command as `npm run settlement` runs it: the launcher, which builds the bundle when
// stale. The bundle goes to a temp dir of this test file, so the tests never touch dist/cli/.
const CLI_DIR = mkdtempSync(join(tmpdir(), 'settlement-cli-bundle-'));
afterAll(() => rmSync(CLI_DIR, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts/settlement.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SETTLEBRIDGE_CLI_DIR: CLI_DIR, SETTLEBRIDGE_CLI_VERBOSE: '1' },
  });
}

describe('settlement CLI', () => {
  it('runs from a bundle it builds once and rebuilds only when a source file changed', () => {
    const first = run('summarize', join(FIXTURES, 'de.tsv'), '--json');
    expect(first.status).toBe(0);
    const bundle = join(CLI_DIR, 'settlement.mjs');
    expect(readFileSync(bundle, 'utf8')).not.toContain(': SettlementMapping');
    const builtAt = statSync(bundle).mtimeMs;

    const again = run('summarize', join(FIXTURES, 'de.tsv'), '--json');
    expect(again.stderr).not.toContain('rebuilt');
    expect(statSync(bundle).mtimeMs).toBe(builtAt);
    expect(again.stdout).toBe(first.stdout);

    // A recorded input whose mtime no longer matches (as after an edit) makes it stale.
    const stamp = join(CLI_DIR, 'settlement.inputs.json');
    const inputs = JSON.parse(readFileSync(stamp, 'utf8')) as [string, number, number][];
    expect(inputs.map(([p]) => p)).toContain(join(ROOT, 'lib/settlement/parse.ts'));
    writeFileSync(stamp, JSON.stringify(inputs.map(([p, size, mtime]) => [p, size, mtime - 1000])));
    utimesSync(bundle, new Date(0), new Date(0));
    const stale = run('summarize', join(FIXTURES, 'de.tsv'), '--json');
    expect(stale.stderr).toContain('rebuilt');
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(0);
    expect(stale.stdout).toBe(first.stdout);
  }, 30_000);

  it('prints one JSON document with decimal-point strings for a decimal-comma file', () => {
    const out = run('summarize', join(FIXTURES, 'de.tsv'), '--json');
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({
      settlementId: '9911223344',
      currency: 'EUR',
      periodStart: '2023-03-14',
      periodEnd: '2023-03-28',
      depositDate: '2023-03-30',
      depositTotal: '1404.83',
      rows: 14,
      discrepancy: null,
      unmapped: [],
    });
    expect(report.invoices[0]).toMatchObject({
      type: 'ACCREC',
      number: 'AMZ-9911223344',
      currency: 'EUR',
      total: '1404.83',
    });
    expect(report.invoices[0].lines[0]).toEqual({
      key: 'Order/ItemPrice/Principal',
      description: 'Amazon sales',
      accountCode: '200',
      taxType: 'NONE',
      tracking: [],
      amount: '1296.01',
    });
  }, 20_000);

  it('splits by month and applies a mapping file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settlement-cli-'));
    const mappingPath = join(dir, 'mapping.json');
    writeFileSync(
      mappingPath,
      JSON.stringify({
        ...DEFAULT_MAPPING_DOCUMENT,
        accounts: { ...DEFAULT_MAPPING_DOCUMENT.accounts, clearing: '1999' },
      }),
    );
    const out = run(
      'summarize',
      join(FIXTURES, 'month-end.tsv'),
      '--mapping',
      mappingPath,
      '--split-month',
      '--json',
    );
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.invoices.map((i: { number: string; total: string }) => [i.number, i.total])).toEqual([
      ['AMZ-18200000002-1', '0.00'],
      ['AMZ-18200000002-2', '62.56'],
    ]);
    expect(report.invoices[1].lines[0]).toMatchObject({
      key: 'clearing',
      accountCode: '1999',
      amount: '37.08',
    });
  }, 20_000);

  it('prints a readable table without --json, flagging a discrepancy', () => {
    const out = run('summarize', join(FIXTURES, 'discrepancy.tsv'));
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('ACCREC AMZ-18500000005');
    expect(out.stdout).toContain('DISCREPANCY');
    expect(out.stdout).toContain('-50.00');
  }, 20_000);

  it('exits 2 with the error on stderr for a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settlement-cli-'));
    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, 'hello\tworld\n1\t2\n');
    const out = run('summarize', bad, '--json');
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('NOT_SETTLEMENT_FILE');
    expect(out.stderr).toContain('line 1');
  }, 20_000);

  it('reads an older V1 flat file with the same contract, saying so', () => {
    const out = run('summarize', join(FIXTURES, 'ca-v1.tsv'), '--json');
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ format: 'V1', currency: 'CAD', depositTotal: '40.16', discrepancy: null });
    expect(report.invoices.map((i: { total: string }) => i.total)).toEqual(['40.16']);
    expect(run('summarize', join(FIXTURES, 'ca-v1.tsv')).stdout).toContain('older V1 format');
  }, 20_000);

  it('prints nothing to send for a zero settlement', () => {
    const out = run('summarize', join(FIXTURES, 'zero.tsv'));
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('Nothing to send');
  }, 20_000);

  it('exits 2 for an XML settlement, saying what it is and what to download', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settlement-cli-'));
    const xml = join(dir, 'settlement.xml');
    writeFileSync(xml, '<?xml version="1.0"?>\n<AmazonEnvelope></AmazonEnvelope>\n');
    const out = run('summarize', xml);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('line 1, column 1: this is an XML settlement report');
    expect(out.stderr).toContain('download "Flat File V2"');
  }, 20_000);

  it('exits 2 for a missing file, a bad mapping and bad usage', () => {
    expect(run('summarize', join(FIXTURES, 'nope.tsv')).status).toBe(2);
    expect(
      run('summarize', join(FIXTURES, 'us.tsv'), '--mapping', join(FIXTURES, 'us.tsv')).stderr,
    ).toContain('not JSON');
    expect(run('frobnicate').status).toBe(2);
  }, 20_000);
});
