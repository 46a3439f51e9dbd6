/**
 * Invoice builder: turns a settlement summary into the document(s) a bookkeeper posts to
 * Xero, whose net total is exactly the bank deposit. Conventions (see README.md):
 *
 * - One invoice per settlement (a settlement has one currency), numbered `AMZ-<settlementId>`,
 *   so the number doubles as the de-duplication key when re-sending.
 * - Xero refuses negative invoices, so a negative settlement becomes a bill to Amazon
 *   (ACCPAY) with every line's sign flipped, making the document total positive; `netTotal`
 *   keeps the settlement's own sign. Bills are the one negative path: the relay posts them
 *   through PUT /Invoices with the same look-up, ledger and limits as sales invoices, and a
 *   bill reconciles against the bank deposit just as a credit note would.
 * - If the rows do not add up to the deposit (Amazon sometimes leaves a line out), the
 *   difference becomes its own line on the discrepancy account and is flagged; nothing is
 *   rounded away or hidden.
 * - Month-end split (optional): see `splitByMonth` below.
 */

import type { InvoicePayload } from '../relay-api.ts';
import { endOfMonth } from './dates.ts';
import { formatMinor } from './money.ts';
import type { SettlementSummary, SummaryGroup } from './summarise.ts';

export type InvoiceType = 'ACCREC' | 'ACCPAY';
export type LineAmountTypes = 'NoTax' | 'Exclusive' | 'Inclusive';
export type InvoiceLineKind = 'mapped' | 'reserve' | 'unmapped' | 'clearing' | 'discrepancy';

export interface TrackingOption {
  /** Xero tracking category name, e.g. "Marketplace". */
  name: string;
  /** The option within it, e.g. "Amazon.de". */
  option: string;
}

export interface InvoiceLine {
  /** "transaction-type/amount-type/amount-description", or "clearing" / "discrepancy". */
  key: string;
  description: string;
  accountCode: string;
  taxType: string;
  tracking: TrackingOption[];
  /** In the document's sign: lines add up to `total`. */
  amount: bigint;
  /** Detail rows summed into this line (0 for clearing and discrepancy lines). */
  rows: number;
  kind: InvoiceLineKind;
}

export interface SettlementInvoice {
  type: InvoiceType;
  /** Stable: `AMZ-<settlementId>`, or `AMZ-<settlementId>-1` / `-2` for split parts. */
  number: string;
  reference: string;
  contactName: string;
  /** "YYYY-MM-DD". */
  date: string;
  dueDate: string;
  currency: string;
  lineAmountTypes: LineAmountTypes;
  /** The document total, never negative (Xero's rule). */
  total: bigint;
  /** The total in the settlement's sign: `total` for ACCREC, `-total` for ACCPAY/credit. */
  netTotal: bigint;
  lines: InvoiceLine[];
  /** 1 or 2 when split by month; undefined otherwise. */
  part?: 1 | 2;
}

export interface InvoiceSet {
  settlementId: string;
  currency: string;
  depositTotal: bigint;
  invoices: SettlementInvoice[];
  /** Deposit minus the sum of the rows; 0n when they agree. */
  discrepancy: bigint;
  /** True when the rows add up to the deposit without a discrepancy line. */
  isReconciled: boolean;
  /** True for a settlement with no rows and a zero total: `invoices` is empty. */
  isNothingToSend: boolean;
}

export interface BuildInvoicesOptions {
  /** Split a settlement that spans a month end into two invoices by posted date. */
  splitMonth?: boolean;
  /** Days from the invoice date to the due date. Default 0: Amazon has already paid. */
  dueInDays?: number;
}

/** Xero's limit on InvoiceNumber and Reference. */
const XERO_TEXT_LIMIT = 255;

/** A contact per settlement currency when no row names an Amazon marketplace. */
const CONTACT_BY_CURRENCY: Readonly<Record<string, string>> = {
  USD: 'Amazon.com',
  CAD: 'Amazon.ca',
  MXN: 'Amazon.com.mx',
  BRL: 'Amazon.com.br',
  GBP: 'Amazon.co.uk',
  EUR: 'Amazon.de',
  SEK: 'Amazon.se',
  PLN: 'Amazon.pl',
  TRY: 'Amazon.com.tr',
  AED: 'Amazon.ae',
  SAR: 'Amazon.sa',
  EGP: 'Amazon.eg',
  INR: 'Amazon.in',
  ZAR: 'Amazon.co.za',
  JPY: 'Amazon.co.jp',
  AUD: 'Amazon.com.au',
  SGD: 'Amazon.sg',
};

function clip(text: string): string {
  return text.length <= XERO_TEXT_LIMIT ? text : `${text.slice(0, XERO_TEXT_LIMIT - 1)}…`;
}

function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Amazon's sites as settlement files name them in marketplace-name, spelt properly. */
const AMAZON_SITES: readonly string[] = [
  ...new Set([
    ...Object.values(CONTACT_BY_CURRENCY),
    'Amazon.fr',
    'Amazon.it',
    'Amazon.es',
    'Amazon.nl',
    'Amazon.com.be',
    'Amazon.ie',
    'Amazon.com.sa',
  ]),
];

/**
 * The marketplace's proper name for a marketplace-name as a file spells it
 * (`amazon.com`, ` AMAZON.DE `, `www.amazon.co.uk` → `Amazon.com`, `Amazon.de`,
 * `Amazon.co.uk`), or undefined when it is not an Amazon site (`Non-Amazon`, blank).
 */
export function properMarketplaceName(name: string): string | undefined {
  const lower = name
    .trim()
    .toLowerCase()
    .replace(/^www\./, '');
  if (!lower.startsWith('amazon.')) return undefined;
  return AMAZON_SITES.find((site) => site.toLowerCase() === lower) ?? `Amazon.${lower.slice(7)}`;
}

/**
 * The Xero contact: the mapping's override for the main marketplace, else the marketplace's
 * proper name ("Amazon.co.uk", whatever the file's spelling), else one by currency.
 */
export function contactNameFor(summary: SettlementSummary): string {
  return contactFor(summary).name;
}

function contactFor(summary: SettlementSummary): { name: string; spelling?: string } {
  const main = summary.marketplaces.find((m) => properMarketplaceName(m.name) !== undefined);
  if (!main) return { name: CONTACT_BY_CURRENCY[summary.header.currency] ?? 'Amazon' };
  const proper = properMarketplaceName(main.name)!;
  const override = summary.mapping.contactNames[proper] ?? summary.mapping.contactNames[main.name];
  return { name: override || proper, ...(main.name !== proper ? { spelling: main.name } : {}) };
}

function lineFromGroup(
  summary: SettlementSummary,
  group: SummaryGroup,
  amount: bigint,
  rows: number,
): InvoiceLine {
  return {
    key: group.key,
    description: group.target.description,
    accountCode: group.target.accountCode,
    taxType: group.target.taxType,
    tracking:
      group.marketplaceName !== null && group.marketplaceName !== ''
        ? [{ name: summary.mapping.trackingCategory, option: group.marketplaceName }]
        : [],
    amount,
    rows,
    kind: group.target.kind,
  };
}

function specialLine(
  summary: SettlementSummary,
  kind: 'clearing' | 'discrepancy',
  description: string,
  amount: bigint,
): InvoiceLine {
  const { accounts, defaultTaxType } = summary.mapping;
  return {
    key: kind,
    description,
    accountCode: kind === 'clearing' ? accounts.clearing : accounts.discrepancy,
    taxType: defaultTaxType,
    tracking: [],
    amount,
    rows: 0,
    kind,
  };
}

interface Draft {
  lines: InvoiceLine[];
  date: string;
  part?: 1 | 2;
  referenceSuffix: string;
}

function finishInvoice(
  summary: SettlementSummary,
  draft: Draft,
  options: BuildInvoicesOptions,
  contact: { name: string; spelling?: string },
): SettlementInvoice {
  const contactName = contact.name;
  // The file's own spelling stays findable in Xero when the contact name corrected it.
  const spelling = contact.spelling ? ` (marketplace "${contact.spelling}" in the file)` : '';
  const { header, mapping } = summary;
  const netTotal = draft.lines.reduce((sum, line) => sum + line.amount, 0n);
  const isNegative = netTotal < 0n;
  const type: InvoiceType = isNegative ? 'ACCPAY' : 'ACCREC';
  const number = clip(draft.part ? `AMZ-${header.settlementId}-${draft.part}` : `AMZ-${header.settlementId}`);
  const reference = clip(
    `${contactName} settlement ${header.settlementId} ${header.periodStart} to ${header.periodEnd}${draft.referenceSuffix}${spelling}`,
  );
  return {
    type,
    number,
    reference,
    contactName,
    date: draft.date,
    dueDate: addDays(draft.date, options.dueInDays ?? 0),
    currency: header.currency,
    lineAmountTypes: mapping.lineAmountTypes,
    total: isNegative ? -netTotal : netTotal,
    netTotal,
    // Flip every line of a negative settlement so the bill's lines read as positive costs.
    lines: isNegative ? draft.lines.map((line) => ({ ...line, amount: -line.amount })) : draft.lines,
    part: draft.part,
  };
}

/**
 * Builds the invoice(s) for a settlement. The invoices' net totals always add up to the
 * summary row's total-amount; any gap between rows and deposit is an explicit line.
 */
export function buildInvoices(summary: SettlementSummary, options: BuildInvoicesOptions = {}): InvoiceSet {
  const { header } = summary;
  const discrepancy = header.depositTotal - summary.rowTotal;
  const discrepancyLine =
    discrepancy === 0n
      ? undefined
      : specialLine(
          summary,
          'discrepancy',
          `Unreconciled difference: the deposit is ${formatMinor(header.depositTotal, header.currency)} but the rows add up to ${formatMinor(summary.rowTotal, header.currency)}`,
          discrepancy,
        );
  const contact = contactFor(summary);

  // A settlement with no rows and nothing paid out has nothing to post: an invoice
  // without lines would be refused by Xero and means nothing in the books.
  if (summary.stats.rows === 0 && header.depositTotal === 0n) {
    return {
      settlementId: header.settlementId,
      currency: header.currency,
      depositTotal: header.depositTotal,
      invoices: [],
      discrepancy: 0n,
      isReconciled: true,
      isNothingToSend: true,
    };
  }

  const drafts = options.splitMonth ? splitByMonth(summary) : undefined;
  const invoices = (
    drafts ?? [
      {
        lines: summary.groups.map((group) => lineFromGroup(summary, group, group.amount, group.rows)),
        date: header.depositDate,
        referenceSuffix: '',
      } satisfies Draft,
    ]
  ).map((draft, index, all) => {
    // The deposit arrives at the end: a discrepancy belongs with the last document.
    if (discrepancyLine && index === all.length - 1) draft.lines.push(discrepancyLine);
    return finishInvoice(summary, draft, options, contact);
  });

  return {
    settlementId: header.settlementId,
    currency: header.currency,
    depositTotal: header.depositTotal,
    invoices,
    discrepancy,
    isReconciled: discrepancy === 0n,
    isNothingToSend: false,
  };
}

/**
 * Month-end split (the convention A2X and Link My Books use):
 * - Part 1, dated the last day of the month the period starts in, holds every row posted on
 *   or before that day, plus one clearing line that moves its balance out (−part-1 sum), so
 *   part 1 nets to zero and month 1's income and fees are booked in month 1.
 * - Part 2, dated the deposit date, holds the later rows plus the opposite clearing line
 *   (+part-1 sum) and any discrepancy, so part 2's total is exactly the deposit and the bank
 *   line reconciles against one document. The clearing account nets to zero across both.
 * Returns undefined when no split is needed (all rows fall on one side of the month end).
 */
function splitByMonth(summary: SettlementSummary): Draft[] | undefined {
  const { header } = summary;
  const first: InvoiceLine[] = [];
  const later: InvoiceLine[] = [];
  let firstSum = 0n;
  for (const group of summary.groups) {
    if (group.firstMonth.rows > 0) {
      first.push(lineFromGroup(summary, group, group.firstMonth.amount, group.firstMonth.rows));
      firstSum += group.firstMonth.amount;
    }
    if (group.laterMonths.rows > 0) {
      later.push(lineFromGroup(summary, group, group.laterMonths.amount, group.laterMonths.rows));
    }
  }
  if (first.length === 0 || later.length === 0) return undefined;
  const monthEnd = endOfMonth(header.periodStartPacked);
  first.push(
    specialLine(summary, 'clearing', `Balance of rows posted to ${monthEnd}, carried to part 2`, -firstSum),
  );
  later.unshift(
    specialLine(
      summary,
      'clearing',
      `Balance brought forward from part 1 (rows posted to ${monthEnd})`,
      firstSum,
    ),
  );
  return [
    { lines: first, date: monthEnd, part: 1, referenceSuffix: ` (part 1: posted to ${monthEnd})` },
    {
      lines: later,
      date: header.depositDate,
      part: 2,
      referenceSuffix: ` (part 2: posted after ${monthEnd})`,
    },
  ];
}

/** Maps an invoice to the Xero API's field names; the relay adds Status and sends it. */
export function toXeroPayload(invoice: SettlementInvoice): InvoicePayload {
  const common = {
    Contact: { Name: invoice.contactName },
    Date: invoice.date,
    DueDate: invoice.dueDate,
    LineAmountTypes: invoice.lineAmountTypes,
    Reference: invoice.reference,
    CurrencyCode: invoice.currency,
    LineItems: invoice.lines.map((line) => ({
      Description: line.description,
      Quantity: 1 as const,
      UnitAmount: formatMinor(line.amount, invoice.currency),
      AccountCode: line.accountCode,
      TaxType: line.taxType,
      Tracking: line.tracking.map((t) => ({ Name: t.name, Option: t.option })),
    })),
  };
  return { ...common, Type: invoice.type, InvoiceNumber: invoice.number };
}
