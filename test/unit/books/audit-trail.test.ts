import { describe, expect, it } from 'vitest';
import { auditTrail, ORIGINAL_MAX_BYTES, summaryCsv } from '../../../lib/books/audit-trail';
import { InvoiceAttachment } from '../../../lib/relay-api';
import type { SettlementReport } from '../../../lib/settlement/report';

const report = {
  settlementId: '123',
  currency: 'USD',
  periodStart: '2025-01-01',
  periodEnd: '2025-01-14',
  depositDate: '2025-01-16',
  depositTotal: '90.00',
  rows: 2,
  discrepancy: null,
  unmapped: [],
  invoices: [
    {
      type: 'ACCREC',
      number: 'AMZ-123',
      reference: 'r',
      contactName: 'Amazon.com',
      date: '2025-01-16',
      dueDate: '2025-01-16',
      currency: 'USD',
      lineAmountTypes: 'NoTax',
      total: '90.00',
      lines: [
        {
          key: 'sales',
          description: 'Sales',
          accountCode: '4000',
          taxType: 'NONE',
          tracking: [],
          amount: '100.00',
        },
        {
          key: 'fees',
          description: '=HYPERLINK("x")',
          accountCode: '6100',
          taxType: 'NONE',
          tracking: [{ name: 'Channel', option: 'Amazon US' }],
          amount: '-10.00',
        },
      ],
    },
  ],
} satisfies SettlementReport;

const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('auditTrail', () => {
  it('carries the settlement file byte for byte and a CSV of every line, both valid for the relay', () => {
    const source = 'settlement-id\tamount\n123\t90.00 – café\n';
    const trail = auditTrail({ settlementId: '123', source, report });
    expect(trail.note).toBeUndefined();
    expect(trail.files.map((f) => f.fileName)).toEqual(['settlement-123.txt', 'settlement-123-summary.csv']);
    expect(text(trail.files[0]!.contentBase64)).toBe(source);
    for (const f of trail.files) expect(InvoiceAttachment.safeParse(f).success).toBe(true);
    expect(summaryCsv(report).split('\r\n')).toEqual([
      'Invoice,Type,Date,Currency,Line,Account,Tax,Tracking,Amount',
      'AMZ-123,ACCREC,2025-01-16,USD,Sales,4000,NONE,,100.00',
      `AMZ-123,ACCREC,2025-01-16,USD,"'=HYPERLINK(""x"")",6100,NONE,Channel: Amazon US,-10.00`,
      '',
    ]);
  });

  it('attaches the summary alone and says so when the file is too large to carry', () => {
    const trail = auditTrail({ settlementId: '123', source: 'x'.repeat(ORIGINAL_MAX_BYTES + 1), report });
    expect(trail.files.map((f) => f.fileName)).toEqual(['settlement-123-summary.csv']);
    expect(trail.note).toMatch(/larger than a send can carry.*only the summary was attached/);
  });
});
