/**
 * Settlement command line, for bookkeepers and for checking the engine:
 *
 *   npm run -s settlement -- summarize <file> [--mapping <file>] [--split-month] [--tracking] [--json]
 *
 * Prints the invoice(s) a settlement turns into: a readable table, or with --json one JSON
 * document (amounts as decimal strings). Bad input exits with code 2 and the error on stderr.
 */

import { readFile, stat } from 'node:fs/promises';
import { buildInvoices } from '../lib/settlement/invoices.ts';
import type { SettlementMapping } from '../lib/settlement/mapping.ts';
import { formatReportTable, toReport } from '../lib/settlement/report.ts';
import { summariseSettlement } from '../lib/settlement/summarise.ts';
import { fileStream } from './node-file-stream.ts';

const USAGE =
  'usage: npm run -s settlement -- summarize <file> [--mapping <file>] [--split-month] [--tracking] [--json]';

interface Args {
  file: string;
  mappingFile?: string;
  isSplitMonth: boolean;
  isTracking: boolean;
  isJson: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const [command, ...rest] = argv;
  if (command !== 'summarize' && command !== 'summarise') return USAGE;
  const args: Partial<Args> = { isSplitMonth: false, isTracking: false, isJson: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--json') args.isJson = true;
    else if (arg === '--split-month') args.isSplitMonth = true;
    else if (arg === '--tracking') args.isTracking = true;
    else if (arg === '--mapping') {
      const value = rest[++i];
      if (value === undefined) return `--mapping needs a file\n${USAGE}`;
      args.mappingFile = value;
    } else if (arg.startsWith('--')) return `unknown option ${arg}\n${USAGE}`;
    else if (args.file === undefined) args.file = arg;
    else return `unexpected argument ${arg}\n${USAGE}`;
  }
  if (args.file === undefined) return USAGE;
  return args as Args;
}

function failWith(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') failWith(args);

  let mapping: SettlementMapping | undefined;
  if (args.mappingFile !== undefined) {
    const text = await readFile(args.mappingFile, 'utf8').catch((cause: Error) =>
      failWith(`cannot read mapping ${args.mappingFile}: ${cause.message}`),
    );
    // Loaded only here: validating a mapping needs zod, summarising with the default does not.
    const { parseMappingJson } = await import('../lib/settlement/mapping.ts');
    const parsed = parseMappingJson(text);
    if (!parsed.ok) failWith(`${args.mappingFile}: ${parsed.error.message}`);
    mapping = parsed.value;
  }

  const info = await stat(args.file).catch((cause: Error) =>
    failWith(`cannot read ${args.file}: ${cause.message}`),
  );
  if (!info.isFile()) failWith(`${args.file} is not a file`);

  const summary = await summariseSettlement(fileStream(args.file), {
    mapping,
    byMarketplace: args.isTracking,
  });
  if (!summary.ok) failWith(`${args.file}: ${summary.error.message} [${summary.error.code}]`);
  const invoices = buildInvoices(summary.value, { splitMonth: args.isSplitMonth });
  const report = toReport(summary.value, invoices);
  process.stdout.write(args.isJson ? `${JSON.stringify(report, null, 2)}\n` : formatReportTable(report));
}

await main();
