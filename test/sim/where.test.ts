import { describe, expect, it } from 'vitest';
import { compileWhere, WhereSyntaxError } from '../../xero-sim/where.ts';

const invoice = {
  InvoiceNumber: 'SB-1',
  Reference: 'Amazon US 123',
  Status: 'AUTHORISED',
  Type: 'ACCREC',
  Contact: { ContactID: 'abc', Name: 'Amazon.com' },
  Date: `/Date(${Date.UTC(2024, 4, 31)}+0000)/`,
  Total: 10,
};

describe('where', () => {
  it.each([
    ['InvoiceNumber=="SB-1"', true],
    ['InvoiceNumber == "sb-1"', true],
    ['InvoiceNumber=="SB-2"', false],
    ['Status!="VOIDED" AND Type=="ACCREC"', true],
    ['Status=="VOIDED" OR Reference=="Amazon US 123"', true],
    ['Contact.ContactID==guid("abc")', true],
    ['Contact.Name.Contains("Amazon")', true],
    ['Reference.StartsWith("Amazon US")', true],
    ['Date>=DateTime(2024,05,31)', true],
    ['Date<DateTime(2024,05,31)', false],
    ['Total>5 && (Status=="DRAFT" || Status=="AUTHORISED")', true],
  ])('evaluates %s', (where, expected) => {
    expect(compileWhere(where)(invoice)).toBe(expected);
  });

  it('rejects malformed clauses', () => {
    expect(() => compileWhere('InvoiceNumber==')).toThrow(WhereSyntaxError);
    expect(() => compileWhere('InvoiceNumber=="x" garbage')).toThrow(WhereSyntaxError);
  });
});
