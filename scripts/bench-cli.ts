/**
 * `npm run bench:cli`: the whole process time of the settlement command line as shipped
 * (`node scripts/settlement.mjs summarize <file> --json`, i.e. `npm run settlement` without
 * npm's own start-up) on a generated 300,000-row settlement, against a naive plain-Node
 * script that streams the same file line by line and sums the amount column as floats.
 * Both run in the same invocation, interleaved, each in a fresh `node` process timed from
 * spawn to exit, after one warm-up each (which also builds the CLI bundle if it is stale,
 * so no run pays for compilation). The file comes from `bench-settlement.ts --generate`.
 *
 *   npm run bench:cli                 (5 runs of each)
 *   npm run bench:cli -- --runs 9
 *
 * Each process also reports its own CPU time (user + system, from a tiny `--require` hook both
 * get alike), printed beside the wall times because a busy machine stretches wall time most.
 *
 * Last line: {"rows":300000,"cli_s":…,"naive_s":…,"ratio":…,…} (medians; ratio = cli/naive
 * by wall time, ratio_cpu by CPU time).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROWS = 300_000;
const ROOT = resolve(import.meta.dirname, '..');

/** What a developer would write first: readline, split on tabs, parseFloat, add. */
const NAIVE_SCRIPT = `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
const lines = createInterface({ input: createReadStream(process.argv[2], 'utf8'), crlfDelay: Infinity });
let header, amountAt, total = 0, rows = 0;
for await (const line of lines) {
  const cells = line.split('\\t');
  if (!header) { header = cells; amountAt = header.indexOf('amount'); continue; }
  if (!cells[amountAt]) continue;
  total += parseFloat(cells[amountAt].replace(',', '.'));
  rows++;
}
process.stdout.write(JSON.stringify({ rows, total: total.toFixed(2) }) + '\\n');
`;

/** Loaded into both processes: reports the process's CPU time on stderr as it exits. */
const CPU_HOOK = `process.on('exit', () => {
  const u = process.cpuUsage();
  require('node:fs').writeSync(2, '\\ncpu-us ' + (u.user + u.system) + '\\n');
});
`;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

let hookPath = '';

function timed(args: string[]): { s: number; cpuS: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', hookPath, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  const cpu = /cpu-us (\d+)\s*$/.exec(run.stderr);
  if (!cpu) throw new Error(`no CPU time reported by node ${args.join(' ')}: ${run.stderr}`);
  return { s, cpuS: Number(cpu[1]) / 1e6, stdout: run.stdout };
}

function main() {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 5;
  const dir = mkdtempSync(join(tmpdir(), 'settlebridge-bench-cli-'));
  try {
    const file = join(dir, `settlement-${ROWS}.tsv`);
    const naive = join(dir, 'naive.mjs');
    writeFileSync(naive, NAIVE_SCRIPT);
    hookPath = join(dir, 'cpu-hook.cjs');
    writeFileSync(hookPath, CPU_HOOK);
    const gen = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench-settlement.ts', '--generate', String(ROWS), file],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (gen.status !== 0) throw new Error(`generating the file failed: ${gen.stderr}`);
    const cliArgs = ['scripts/settlement.mjs', 'summarize', file, '--json'];
    const naiveArgs = [naive, file];
    // Warm-ups: the page cache holds the file, and the CLI bundle is built if stale.
    const report = JSON.parse(timed(cliArgs).stdout) as { rows: number; depositTotal: string };
    const naiveOut = JSON.parse(timed(naiveArgs).stdout) as { rows: number; total: string };
    if (report.rows !== ROWS || naiveOut.rows !== ROWS)
      throw new Error(`rows seen: cli ${report.rows}, naive ${naiveOut.rows}, wanted ${ROWS}`);
    const loadBefore = loadavg()[0]!;
    const cliRuns: { s: number; cpuS: number }[] = [];
    const baseRuns: { s: number; cpuS: number }[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate the order so neither always runs second.
      if (i % 2 === 0) {
        cliRuns.push(timed(cliArgs));
        baseRuns.push(timed(naiveArgs));
      } else {
        baseRuns.push(timed(naiveArgs));
        cliRuns.push(timed(cliArgs));
      }
    }
    const loadAfter = loadavg()[0]!;
    const cli = cliRuns.map((r) => r.s);
    const base = baseRuns.map((r) => r.s);
    const cliCpu = cliRuns.map((r) => r.cpuS);
    const baseCpu = baseRuns.map((r) => r.cpuS);
    const spread = (xs: number[]) =>
      `min ${round(Math.min(...xs))} median ${round(median(xs))} max ${round(Math.max(...xs))} s`;
    console.log(
      `${ROWS.toLocaleString('en')} rows, ${round(statSync(file).size / 1e6, 1)} MB, ${runs} runs each after a warm-up; node ${process.version}`,
    );
    console.log(`cli (bundled, node scripts/settlement.mjs): ${spread(cli)}`);
    console.log(`naive float sum (readline + parseFloat):   ${spread(base)}`);
    console.log(`cli CPU:                                    ${spread(cliCpu)}`);
    console.log(`naive CPU:                                  ${spread(baseCpu)}`);
    console.log(
      `load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)} (2 cores)`,
    );
    console.log(`totals: cli deposit ${report.depositTotal}, naive float sum ${naiveOut.total}`);
    const cliS = median(cli);
    const naiveS = median(base);
    console.log(
      JSON.stringify({
        rows: ROWS,
        cli_s: round(cliS),
        naive_s: round(naiveS),
        ratio: round(cliS / naiveS, 2),
        cli_cpu_s: round(median(cliCpu)),
        naive_cpu_s: round(median(baseCpu)),
        ratio_cpu: round(median(cliCpu) / median(baseCpu), 2),
        load_before: round(loadBefore, 2),
        load_after: round(loadAfter, 2),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
