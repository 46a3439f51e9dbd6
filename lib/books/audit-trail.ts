/**
 * The audit trail attached to every invoice a settlement posts: the settlement file as it was
 * downloaded and a CSV of the summarised lines (what went to which account, with which tax).
 * Pure, so the outbox and its tests build exactly the same files.
 *
 * Xero takes up to 10 MB per file, but a send carries its files through the relay in one
 * request (INVOICE_JOB_BODY_LIMIT_BYTES, 4 MB by default), so a settlement file over
 * ORIGINAL_MAX_BYTES is left out: the summary alone is attached and the note says so.
 */
import { csvCell } from '../history-csv.ts';
import { ATTACHMENT_MIME_TYPES, type InvoiceAttachment } from '../relay-api.ts';
import type { SettlementReport } from '../settlement/report.ts';

/** The largest settlement file attached as it is (about 2.7 MB once base64-encoded). */
export const ORIGINAL_MAX_BYTES = 2 * 1024 * 1024;

export const SUMMARY_COLUMNS = [
  'Invoice',
  'Type',
  'Date',
  'Currency',
  'Line',
  'Account',
  'Tax',
  'Tracking',
  'Amount',
] as const;

export interface AuditTrail {
  files: InvoiceAttachment[];
  /** Said to the user when the trail is not complete (e.g. the file was too large). */
  note?: string;
}

const safeName = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60) || 'settlement';

export function summaryCsv(report: SettlementReport): string {
  const lines = [SUMMARY_COLUMNS.map(csvCell).join(',')];
  for (const inv of report.invoices) {
    for (const line of inv.lines) {
      lines.push(
        [
          inv.number,
          inv.type,
          inv.date,
          inv.currency,
          line.description,
          line.accountCode,
          line.taxType,
          line.tracking.map((t) => `${t.name}: ${t.option}`).join('; '),
          line.amount,
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function base64(bytes: Uint8Array): string {
  let out = '';
  // btoa takes a binary string; build it in chunks so large files do not overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(out);
}

export function auditTrail(input: {
  settlementId: string;
  source: string;
  report: SettlementReport;
}): AuditTrail {
  const name = `settlement-${safeName(input.settlementId)}`;
  const encoder = new TextEncoder();
  const summary: InvoiceAttachment = {
    fileName: `${name}-summary.csv`,
    mimeType: ATTACHMENT_MIME_TYPES.csv,
    contentBase64: base64(encoder.encode(summaryCsv(input.report))),
  };
  const original = encoder.encode(input.source);
  if (original.byteLength === 0)
    return { files: [summary], note: 'The settlement file was empty; only the summary was attached.' };
  if (original.byteLength > ORIGINAL_MAX_BYTES) {
    const mb = (original.byteLength / (1024 * 1024)).toFixed(1);
    return {
      files: [summary],
      note: `The settlement file (${mb} MB) is larger than a send can carry (${ORIGINAL_MAX_BYTES / (1024 * 1024)} MB); only the summary was attached. Keep the file from Seller Central with your records.`,
    };
  }
  return {
    files: [
      { fileName: `${name}.txt`, mimeType: ATTACHMENT_MIME_TYPES.txt, contentBase64: base64(original) },
      summary,
    ],
  };
}
