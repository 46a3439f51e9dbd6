/**
 * The confirmation window's per-line reasons and the relay's messages in the seller's
 * language. The English catalog repeats the books check's own sentences (shared with the
 * relay), so every reason is checked word for word against it; German must differ.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BooksProblem, checkInvoiceAgainstBooks } from '../../../lib/books/check';
import { booksProblemText } from '../../../lib/books-problem-text';
import { setLocale } from '../../../lib/i18n';
// Every language's catalog, for the tests in other languages.
import '../../../lib/i18n-catalogs';
import type { InvoicePayload } from '../../../lib/relay-api';
import { relayErrorText, relayStepFailed } from '../../../lib/relay-error-text';
import { AU_TENANT_ID, UK_TENANT_ID } from '../../../xero-sim/seed';
import { booksOf, withPlanCreated } from './seed-books';

afterEach(() => setLocale('en'));

const uk = withPlanCreated(booksOf(UK_TENANT_ID));
const au = withPlanCreated(booksOf(AU_TENANT_ID));
const sales = uk.accounts.find((a) => a.name === 'Amazon Sales')!;
const auSales = au.accounts.find((a) => a.name === 'Amazon Sales')!;

function invoice(
  line: Partial<InvoicePayload['LineItems'][number]>,
  extra: Partial<InvoicePayload> = {},
): InvoicePayload {
  return {
    Type: 'ACCREC',
    Contact: { Name: 'Amazon EU S.a.r.l.' },
    Date: '2024-05-31',
    DueDate: '2024-05-31',
    LineAmountTypes: 'Inclusive',
    InvoiceNumber: 'AMZ-1',
    Reference: 'r',
    CurrencyCode: 'GBP',
    LineItems: [
      {
        Description: 'Amazon sales',
        Quantity: 1,
        UnitAmount: '10.00',
        AccountCode: sales.code,
        TaxType: 'OUTPUT2',
        Tracking: [],
        ...line,
      },
    ],
    ...extra,
  };
}

/** One problem of every reason the check gives. */
const problems: BooksProblem[] = [
  ...checkInvoiceAgainstBooks(invoice({ AccountCode: '899' }), uk),
  ...checkInvoiceAgainstBooks(invoice({ AccountCode: '205' }), uk),
  ...checkInvoiceAgainstBooks(invoice({ AccountCode: '820' }), uk),
  ...checkInvoiceAgainstBooks(invoice({ AccountCode: '090' }), uk),
  ...checkInvoiceAgainstBooks(invoice({ TaxType: 'OUTPUT' }), uk),
  ...checkInvoiceAgainstBooks(invoice({ TaxType: 'INPUT2' }), uk),
  ...checkInvoiceAgainstBooks(invoice({ Tracking: [{ Name: 'Channel', Option: 'Amazon FR' }] }), uk),
  ...checkInvoiceAgainstBooks(invoice({}, { CurrencyCode: 'SEK' }), uk),
  ...checkInvoiceAgainstBooks(
    invoice({ AccountCode: auSales.code, TaxType: 'NONE' }, { CurrencyCode: 'AUD' }),
    au,
  ),
];

describe('books-check problems in the seller’s language', () => {
  it('covers every reason', () => {
    expect(new Set(problems.map((p) => p.reason)).size).toBe(9);
  });

  it.each(problems.map((p) => [p.reason, p] as const))(
    'words %s in English exactly as the check does',
    (_reason, problem) => {
      expect(booksProblemText(problem)).toBe(problem.message);
    },
  );

  it('shows a German seller German reasons, with the line, account and tax rate kept', () => {
    setLocale('de');
    const texts = problems.map((p) => booksProblemText(p));
    for (const [i, text] of texts.entries()) expect(text).not.toBe(problems[i]!.message);
    expect(texts[0]).toMatch(/^Zeile 1 „Amazon sales“ geht auf Konto 899, das es in .* nicht gibt/);
    const notForAccount = texts[problems.findIndex((p) => p.reason === 'tax_not_for_account')]!;
    expect(notForAccount).toContain('Konten der Klasse Ertrag');
    expect(notForAccount).toContain('„20% (VAT on Expenses)“');
  });
});

describe('relay messages in the seller’s language', () => {
  const english =
    'Xero no longer accepts this connection. Reconnect to Xero; accounts sharing it will work again afterwards.';

  it('words a known code from the catalog and keeps the relay’s English in English', () => {
    expect(relayErrorText('needs_reconnect', english)).toBe(english);
    setLocale('de');
    expect(relayErrorText('needs_reconnect', english)).toBe(
      'Xero akzeptiert diese Verbindung nicht mehr. Verbinden Sie sich neu mit Xero; Konten, die sie teilen, funktionieren danach wieder.',
    );
    setLocale('ja');
    expect(relayErrorText('xero_rejected', 'A validation exception occurred')).toBe(
      'Xero が拒否しました: A validation exception occurred',
    );
  });

  it('falls back to the relay’s English for a code it does not know', () => {
    setLocale('fr');
    expect(relayErrorText('brand_new_code', 'Something new happened.')).toBe('Something new happened.');
  });

  it('words the relay’s books refusal from its first problem', () => {
    const [first] = problems;
    setLocale('it');
    expect(
      relayErrorText('books_check_failed', 'Nothing was sent. AMZ-1: …', {
        problems: [{ ...first, invoiceNumber: 'AMZ-1' }],
      }),
    ).toBe(`Non è stato inviato nulla. AMZ-1: ${booksProblemText(first!)}`);
  });

  it('says which step failed, in English as before and in Spanish', () => {
    const error = Object.assign(new Error('The relay could not be reached: fetch failed'), {
      code: 'network_error',
    });
    expect(relayStepFailed('enableCurrency', error, { currency: 'EUR' })).toBe(
      'Could not enable EUR in Xero: The relay could not be reached: fetch failed',
    );
    setLocale('es');
    expect(relayStepFailed('enableCurrency', error, { currency: 'EUR' })).toBe(
      'No se ha podido completar el paso «activar EUR en Xero»: No se ha podido contactar con el relay.',
    );
  });
});

describe('attachment refusals in the seller’s language', () => {
  it('keeps the relay’s English and says it from the catalog in German', async () => {
    const { attachmentError } = await import('../../../lib/background/outbox');
    const error = { code: 'xero_rejected', message: 'audit.pdf was not attached: The file is too large.' };
    expect(attachmentError('audit.pdf', error)).toBe(error.message);
    setLocale('de');
    expect(attachmentError('audit.pdf', error)).toBe(
      'audit.pdf wurde nicht angehängt. Xero hat abgelehnt: The file is too large.',
    );
  });
});
