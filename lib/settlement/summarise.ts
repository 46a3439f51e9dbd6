/**
 * The summariser: turns a stream of settlement rows into one total per kind of amount
 * (transaction-type, amount-type, amount-description, and the marketplace for tracking),
 * then gives each total an account, tax type and description from the mapping. Memory is
 * one small accumulator per distinct key (dozens, not rows), so the settlement's size does
 * not matter.
 *
 * Each accumulator also keeps two sub-totals, rows posted in the month the settlement
 * started and rows posted later, so a month-end split needs no second pass over the file.
 */

import { DEFAULT_MAPPING } from './default-mapping.ts';
import { ok, type Result } from './errors.ts';
import type { SettlementMapping } from './mapping.ts';
import { keyLabel, type LineTarget, type LineTypeKey, resolveKey } from './mapping-rules.ts';
import {
  type ParseStats,
  parseSettlementStream,
  parseSettlementText,
  type SettlementHeader,
  type SettlementRow,
  type SettlementSink,
} from './parse.ts';

export interface SummariseOptions {
  /** Defaults to DEFAULT_MAPPING. */
  mapping?: SettlementMapping;
  /** Also group by marketplace-name, so each line carries a tracking option. */
  byMarketplace?: boolean;
}

export interface PartTotal {
  rows: number;
  amount: bigint;
}

export interface SummaryGroup extends LineTypeKey {
  /** "transaction-type/amount-type/amount-description". */
  key: string;
  /** The marketplace-name, when summarised by marketplace; null otherwise. */
  marketplaceName: string | null;
  rows: number;
  amount: bigint;
  /** Rows posted on or before the last day of the month the settlement period starts in. */
  firstMonth: PartTotal;
  /** Rows posted after that month. */
  laterMonths: PartTotal;
  /** Line of the first row with this key, to point bookkeepers at an example. */
  firstLine: number;
  target: LineTarget;
}

export interface UnmappedKey {
  key: string;
  rows: number;
  amount: bigint;
  firstLine: number;
}

export interface SettlementSummary {
  header: SettlementHeader;
  stats: ParseStats;
  mapping: SettlementMapping;
  isByMarketplace: boolean;
  /** In order of first appearance in the file. */
  groups: SummaryGroup[];
  /** Sum of every detail row's amount. */
  rowTotal: bigint;
  /** Keys no mapping rule matched; their amounts are on "Unmapped" lines, not dropped. */
  unmapped: UnmappedKey[];
  /** Detail rows per marketplace-name, most rows first (picks the invoice contact). */
  marketplaces: { name: string; rows: number }[];
}

// Number.MAX_SAFE_INTEGER: a running sum that would pass it is moved into a bigint first, so
// every addition stays exact while the common case stays in fast float-free integer maths.
const SAFE = Number.MAX_SAFE_INTEGER;

class Accumulator {
  firstRows = 0;
  laterRows = 0;
  firstSum = 0;
  laterSum = 0;
  firstCarry = 0n;
  laterCarry = 0n;

  constructor(
    readonly transactionType: string,
    readonly marketplaceName: string,
    readonly amountType: string,
    readonly amountDescription: string,
    readonly firstLine: number,
  ) {}

  addFirst(amount: number): void {
    const next = this.firstSum + amount;
    if (next > SAFE || next < -SAFE) {
      this.firstCarry += BigInt(this.firstSum);
      this.firstSum = amount;
    } else {
      this.firstSum = next;
    }
    this.firstRows++;
  }

  addLater(amount: number): void {
    const next = this.laterSum + amount;
    if (next > SAFE || next < -SAFE) {
      this.laterCarry += BigInt(this.laterSum);
      this.laterSum = amount;
    } else {
      this.laterSum = next;
    }
    this.laterRows++;
  }
}

/** A SettlementSink that summarises; pass it to any of the parse functions. */
export class SettlementSummariser implements SettlementSink {
  private header: SettlementHeader | undefined;
  /** Indexed by the parser's dense groupId. */
  private readonly groups: Accumulator[] = [];
  /** Posted dates (yyyymmdd) at or below this are in the period's first month. */
  private firstMonthLimit = 0;

  summary(header: SettlementHeader): void {
    this.header = header;
    this.firstMonthLimit = Math.floor(header.periodStartPacked / 100) * 100 + 99;
  }

  row(row: SettlementRow): void {
    let group = this.groups[row.groupId];
    if (group === undefined) {
      group = new Accumulator(
        row.transactionType,
        row.marketplaceName,
        row.amountType,
        row.amountDescription,
        row.line,
      );
      this.groups[row.groupId] = group;
    }
    if (row.postedDate <= this.firstMonthLimit) group.addFirst(row.amountMinor);
    else group.addLater(row.amountMinor);
  }

  /** The summary, once the parser has finished without error. */
  result(stats: ParseStats, options: SummariseOptions = {}): SettlementSummary {
    const header = this.header;
    // The parser only reports success after a summary row, so this is a programming error.
    if (!header) throw new Error('SettlementSummariser.result called before a summary row');
    const mapping = options.mapping ?? DEFAULT_MAPPING;
    const isByMarketplace = options.byMarketplace ?? false;
    const merged = new Map<string, SummaryGroup>();
    const perMarketplace = new Map<string, number>();
    let rowTotal = 0n;
    for (const acc of this.groups) {
      const key: LineTypeKey = {
        transactionType: acc.transactionType,
        amountType: acc.amountType,
        amountDescription: acc.amountDescription,
      };
      const label = keyLabel(key);
      const marketplaceName = isByMarketplace ? acc.marketplaceName : null;
      const mergeKey = isByMarketplace ? `${label}\t${acc.marketplaceName}` : label;
      const first = acc.firstCarry + BigInt(acc.firstSum);
      const later = acc.laterCarry + BigInt(acc.laterSum);
      rowTotal += first + later;
      perMarketplace.set(
        acc.marketplaceName,
        (perMarketplace.get(acc.marketplaceName) ?? 0) + acc.firstRows + acc.laterRows,
      );
      const existing = merged.get(mergeKey);
      if (existing) {
        existing.rows += acc.firstRows + acc.laterRows;
        existing.amount += first + later;
        existing.firstMonth.rows += acc.firstRows;
        existing.firstMonth.amount += first;
        existing.laterMonths.rows += acc.laterRows;
        existing.laterMonths.amount += later;
        existing.firstLine = Math.min(existing.firstLine, acc.firstLine);
      } else {
        merged.set(mergeKey, {
          ...key,
          key: label,
          marketplaceName,
          rows: acc.firstRows + acc.laterRows,
          amount: first + later,
          firstMonth: { rows: acc.firstRows, amount: first },
          laterMonths: { rows: acc.laterRows, amount: later },
          firstLine: acc.firstLine,
          target: resolveKey(mapping, key),
        });
      }
    }
    const groups = [...merged.values()].sort((a, b) => a.firstLine - b.firstLine);
    const unmappedByKey = new Map<string, UnmappedKey>();
    for (const group of groups) {
      if (group.target.kind !== 'unmapped') continue;
      const seen = unmappedByKey.get(group.key);
      if (seen) {
        seen.rows += group.rows;
        seen.amount += group.amount;
      } else {
        unmappedByKey.set(group.key, {
          key: group.key,
          rows: group.rows,
          amount: group.amount,
          firstLine: group.firstLine,
        });
      }
    }
    const marketplaces = [...perMarketplace.entries()]
      .map(([name, rows]) => ({ name, rows }))
      .sort((a, b) => b.rows - a.rows || a.name.localeCompare(b.name));
    return {
      header,
      stats,
      mapping,
      isByMarketplace,
      groups,
      rowTotal,
      unmapped: [...unmappedByKey.values()],
      marketplaces,
    };
  }
}

export type SettlementInput = ReadableStream<Uint8Array> | Blob | string;

/**
 * Reads a whole settlement and summarises it. Accepts a byte stream, a Blob/File or text.
 * Nothing partial is returned: on any error in the file the result is only the error.
 */
export async function summariseSettlement(
  input: SettlementInput,
  options: SummariseOptions = {},
): Promise<Result<SettlementSummary>> {
  const summariser = new SettlementSummariser();
  const parsed =
    typeof input === 'string'
      ? parseSettlementText(input, summariser)
      : await parseSettlementStream(
          input instanceof Blob ? (input.stream() as ReadableStream<Uint8Array>) : input,
          summariser,
        );
  if (!parsed.ok) return parsed;
  return ok(summariser.result(parsed.value, options));
}
