/**
 * Benchmark: this settlement parser + summariser against a baseline that parses the same
 * file with papaparse and summarises with plain objects.
 *
 *   npm run bench:settlement            (1,000,000 and 100,000 rows, 5 runs per case)
 *   npm run bench:settlement -- --runs 9
 *
 * Each run's ratio pairs the two engines' speeds on the 1M-row file in that run; the JSON
 * gives the median ratio and its spread (min and max over the runs), by wall time (`ratio`)
 * and by CPU time (`ratio_cpu`, which other processes on a busy machine stretch less).
 * Within a run the two engines take turns going first, and one untimed run of each comes
 * before the timed ones, so the freshly written files are settled in the page cache and
 * neither engine always meets the same moment of background load. The load average is
 * printed before and after: on a busy 2-core machine, read wall-time figures with it.
 *
 * Files are generated into a temp dir and deleted afterwards. Every measurement runs in a
 * fresh child process, so peak RSS (getrusage maxrss) belongs to that one case and no case
 * inherits another's heap. The machine is noisy, so each number is a median of the runs.
 * MB means 10^6 bytes of file.
 */

import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { formatMinor } from '../lib/settlement/money.ts';
import { V2_COLUMNS } from '../lib/settlement/parse.ts';
import { summariseSettlement } from '../lib/settlement/summarise.ts';
import { fileStream } from './node-file-stream.ts';

// The 24-column layout real files carry: Amazon's 23 documented columns plus promotion-id.
const HEADER = [...V2_COLUMNS, 'promotion-id'];

/** The rows of one order, as Amazon writes them: [transaction-type, amount-type, description, sign]. */
const ORDER_SHAPE: [string, string, string, 1 | -1][] = [
  ['Order', 'ItemPrice', 'Principal', 1],
  ['Order', 'ItemPrice', 'Tax', 1],
  ['Order', 'ItemPrice', 'Shipping', 1],
  ['Order', 'ItemWithheldTax', 'MarketplaceFacilitatorTax-Principal', -1],
  ['Order', 'ItemFees', 'Commission', -1],
  ['Order', 'ItemFees', 'FBAPerUnitFulfillmentFee', -1],
  ['Order', 'Promotion', 'Shipping', -1],
  ['Refund', 'ItemPrice', 'Principal', -1],
  ['Refund', 'ItemFees', 'RefundCommission', 1],
  ['other-transaction', 'other-transaction', 'Storage Fee', -1],
];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Writes a V2 settlement of `rows` detail rows (deterministic pseudo-random amounts). */
async function generate(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const amounts: number[] = [];
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const [, , , sign] = ORDER_SHAPE[i % ORDER_SHAPE.length]!;
    const cents = sign * (random() % 5000);
    amounts.push(cents);
    total += cents;
  }
  const write = (text: string) =>
    new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));
  await write(`${HEADER.join('\t')}\n`);
  await write(
    `BENCH1\t2025-06-05T22:07:18+00:00\t2025-06-19T22:07:18+00:00\t2025-06-21T22:07:18+00:00\t${formatMinor(BigInt(total), 'USD')}\tUSD${'\t'.repeat(18)}\n`,
  );
  let batch = '';
  for (let i = 0; i < rows; i++) {
    const [tt, at, ad] = ORDER_SHAPE[i % ORDER_SHAPE.length]!;
    const order = Math.floor(i / ORDER_SHAPE.length);
    const day = 5 + (order % 14);
    const orderId = `111-${String(4000000 + order).padStart(7, '0')}-${String(1000000 + (order % 999983)).padStart(7, '0')}`;
    batch += `BENCH1\t\t\t\t\t\t${tt}\t${orderId}\t${orderId}\t\t\tAmazon.com\t${at}\t${ad}\t${formatMinor(BigInt(amounts[i]!), 'USD')}\tAFN\t2025-06-${pad(day)}\t2025-06-${pad(day)} 0${order % 10}:12:44 UTC\t${50000000000000 + order}\t\t\tSKU-${order % 5000}-BLUE\t1\t\n`;
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  await new Promise<void>((resolve) => out.end(resolve));
}

interface Measurement {
  engine: 'settlebridge' | 'papaparse';
  bytes: number;
  ms: number;
  /** CPU time (user + system) of the run: what other processes on a busy machine cannot stretch. */
  cpuMs: number;
  rows: number;
  total: string;
  peakRssMb: number;
}

async function runOurs(path: string): Promise<Omit<Measurement, 'engine' | 'peakRssMb' | 'cpuMs'>> {
  const bytes = statSync(path).size;
  const start = performance.now();
  const result = await summariseSettlement(fileStream(path));
  const ms = performance.now() - start;
  if (!result.ok) throw new Error(result.error.message);
  return { bytes, ms, rows: result.value.stats.rows, total: formatMinor(result.value.rowTotal, 'USD') };
}

/** The baseline a developer would write first: papaparse streaming with headers, plain objects. */
function runBaseline(path: string): Promise<Omit<Measurement, 'engine' | 'peakRssMb' | 'cpuMs'>> {
  const bytes = statSync(path).size;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const sums: Record<string, { cents: number; rows: number }> = {};
    let rows = 0;
    let isSummarySeen = false;
    Papa.parse<Record<string, string>>(createReadStream(path, { encoding: 'utf8' }) as unknown as File, {
      delimiter: '\t',
      header: true,
      skipEmptyLines: true,
      step: (result) => {
        const row = result.data;
        if (!isSummarySeen) {
          isSummarySeen = true;
          return;
        }
        const key = `${row['transaction-type']}/${row['amount-type']}/${row['amount-description']}`;
        const cents = Math.round(Number.parseFloat((row.amount ?? '').replace(',', '.')) * 100);
        const sum = sums[key] ?? { cents: 0, rows: 0 };
        sum.cents += cents;
        sum.rows++;
        sums[key] = sum;
        rows++;
      },
      complete: () => {
        const ms = performance.now() - start;
        const total = Object.values(sums).reduce((acc, s) => acc + s.cents, 0);
        resolve({ bytes, ms, rows, total: formatMinor(BigInt(total), 'USD') });
      },
      error: reject,
    });
  });
}

async function child(engine: string, path: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const measured = engine === 'papaparse' ? await runBaseline(path) : await runOurs(path);
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  // maxRSS is in KiB on Linux and macOS.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ engine, ...measured, cpuMs, peakRssMb })}\n`);
}

function measure(engine: Measurement['engine'], path: string): Measurement {
  const script = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', engine, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`child ${engine} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Measurement;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  // `--generate <rows> <path>` writes one benchmark file and keeps it, for profiling.
  if (args[0] === '--generate') return generate(args[2]!, Number(args[1]));
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Math.max(1, Number(args[runsIndex + 1])) : 5;

  const dir = mkdtempSync(join(tmpdir(), 'settlement-bench-'));
  try {
    const sizes = [100_000, 1_000_000];
    const files = new Map<number, string>();
    for (const rows of sizes) {
      const path = join(dir, `settlement-${rows}.tsv`);
      await generate(path, rows);
      files.set(rows, path);
      console.log(`generated ${rows.toLocaleString('en')} rows, ${round(statSync(path).size / 1e6)} MB`);
    }
    const load = () =>
      loadavg()
        .map((n) => n.toFixed(2))
        .join(' ');
    const loadBefore = load();
    console.log(`load average before: ${loadBefore}`);
    // Warm-up, not counted: the files were just written, and the first process of each kind
    // pays for cold caches.
    for (const engine of ['settlebridge', 'papaparse'] as const) measure(engine, files.get(1_000_000)!);
    const results = new Map<string, Measurement[]>();
    // Interleave engines and sizes run by run so background noise hits every case alike, and
    // alternate which engine goes first.
    for (let run = 0; run < runs; run++) {
      for (const rows of sizes) {
        const order =
          run % 2 === 0 ? (['settlebridge', 'papaparse'] as const) : (['papaparse', 'settlebridge'] as const);
        for (const engine of order) {
          const m = measure(engine, files.get(rows)!);
          const key = `${engine}@${rows}`;
          results.set(key, [...(results.get(key) ?? []), m]);
        }
      }
    }
    const summary = (engine: Measurement['engine'], rows: number) => {
      const ms = results.get(`${engine}@${rows}`)!;
      const totals = new Set(ms.map((m) => `${m.rows}:${m.total}`));
      return {
        mbPerS: median(ms.map((m) => m.bytes / 1e6 / (m.ms / 1000))),
        peakRssMb: median(ms.map((m) => m.peakRssMb)),
        seconds: median(ms.map((m) => m.ms / 1000)),
        totals,
      };
    };
    console.log(`\nmedians of ${runs} runs, each in a fresh process`);
    console.log('engine         rows        s      MB/s   peak RSS MB');
    for (const rows of sizes) {
      for (const engine of ['settlebridge', 'papaparse'] as const) {
        const s = summary(engine, rows);
        console.log(
          `${engine.padEnd(13)} ${String(rows).padStart(8)} ${round(s.seconds, 2).toFixed(2).padStart(7)} ${round(s.mbPerS).toFixed(1).padStart(9)} ${round(s.peakRssMb).toFixed(1).padStart(12)}`,
        );
      }
    }
    const speeds = (engine: Measurement['engine']) =>
      results.get(`${engine}@1000000`)!.map((m) => m.bytes / 1e6 / (m.ms / 1000));
    const base1mRuns = speeds('papaparse');
    const ratios = speeds('settlebridge').map((v, i) => v / base1mRuns[i]!);
    const cpuOf = (engine: Measurement['engine']) => results.get(`${engine}@1000000`)!.map((m) => m.cpuMs);
    const oursCpu = cpuOf('settlebridge');
    const cpuRatios = cpuOf('papaparse').map((base, i) => base / oursCpu[i]!);
    const spread = (xs: number[], digits: number) =>
      `min ${round(Math.min(...xs), digits)} median ${round(median(xs), digits)} max ${round(Math.max(...xs), digits)}`;
    console.log(`1M rows, settlebridge MB/s: ${spread(speeds('settlebridge'), 1)}`);
    console.log(`1M rows, papaparse MB/s:    ${spread(base1mRuns, 1)}`);
    console.log(
      `1M rows, ratio per run:     ${spread(ratios, 2)} (${ratios.map((r) => round(r, 2)).join(', ')})`,
    );
    console.log(
      `1M rows, settlebridge CPU s: ${spread(
        oursCpu.map((ms) => ms / 1000),
        2,
      )}`,
    );
    console.log(
      `1M rows, papaparse CPU s:    ${spread(
        cpuOf('papaparse').map((ms) => ms / 1000),
        2,
      )}`,
    );
    console.log(
      `1M rows, CPU ratio per run: ${spread(cpuRatios, 2)} (${cpuRatios.map((r) => round(r, 2)).join(', ')})`,
    );
    const loadAfter = load();
    console.log(`load average after: ${loadAfter} (2 cores; above 2, wall times stretch)`);
    const ours1m = summary('settlebridge', 1_000_000);
    const base1m = summary('papaparse', 1_000_000);
    const ours100k = summary('settlebridge', 100_000);
    // The baseline sums with floats; the check is that ours is exact and both saw every row.
    console.log(
      `row totals: settlebridge ${[...ours1m.totals].join(',')} papaparse ${[...base1m.totals].join(',')}`,
    );
    console.log(
      JSON.stringify({
        rows: 1_000_000,
        mb_per_s: round(ours1m.mbPerS),
        baseline_mb_per_s: round(base1m.mbPerS),
        runs,
        ratio: round(median(ratios), 2),
        ratio_min: round(Math.min(...ratios), 2),
        ratio_max: round(Math.max(...ratios), 2),
        ratio_cpu: round(median(cpuRatios), 2),
        ratio_cpu_min: round(Math.min(...cpuRatios), 2),
        ratio_cpu_max: round(Math.max(...cpuRatios), 2),
        peak_rss_mb_100k: round(ours100k.peakRssMb),
        peak_rss_mb_1m: round(ours1m.peakRssMb),
        load_before: Number(loadBefore.split(' ')[0]),
        load_after: Number(loadAfter.split(' ')[0]),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
