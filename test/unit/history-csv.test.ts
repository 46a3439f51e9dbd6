import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../lib/history';
import { CSV_COLUMNS, csvCell, historyCsv } from '../../lib/history-csv';

const row: HistoryRow = {
  settlementKey: 'a:1',
  settlementId: '18004731211',
  accountId: 'a',
  accountName: 'Acme, "US"',
  marketplace: 'US',
  periodStart: '2025-06-05',
  periodEnd: '2025-06-19',
  depositDate: '2025-06-21',
  deposit: '-3.10',
  currency: 'USD',
  status: 'failed',
  error: '=HYPERLINK("http://evil")',
  invoices: [
    { number: 'AMZ-1', state: 'sent', xeroUrl: 'https://go.xero.com/a' },
    { number: 'AMZ-1-2', state: 'failed' },
  ],
  sentAt: Date.UTC(2025, 5, 22, 10, 0, 0),
};

describe('historyCsv', () => {
  it('writes a header and one CRLF line per row, quoting commas and quotes', () => {
    const csv = historyCsv([row], (s) => s.toUpperCase());
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(
      [
        '"Acme, ""US"""',
        'US',
        '18004731211',
        '2025-06-05',
        '2025-06-19',
        '2025-06-21',
        '-3.10',
        'USD',
        'FAILED',
        `"'=HYPERLINK(""http://evil"")"`,
        'AMZ-1 AMZ-1-2',
        'https://go.xero.com/a',
        '2025-06-22T10:00:00.000Z',
      ].join(','),
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['@cmd', "'@cmd"],
    ['-3.10', '-3.10'],
    ['-x', "'-x"],
    ['plain', 'plain'],
  ])('guards %s against being run as a formula', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });
});
