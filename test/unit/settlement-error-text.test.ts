/**
 * A refused settlement file reaches the seller in their language: the parser (pure, English)
 * gives a code, a reason and the place; lib/settlement-error-text.ts words it through the
 * catalogs. English keeps the parser's own sentence word for word.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCALES, setLocale } from '@/lib/i18n';
import { CATALOGS } from '@/lib/i18n-catalogs';
import { type SettlementError, settle } from '@/lib/settlement';
import { settlementErrorText } from '@/lib/settlement-error-text';

const root = join(import.meta.dirname, '../..');
const de = readFileSync(join(root, 'test/fixtures/settlements/de.tsv'), 'utf8');

async function refusal(text: string): Promise<SettlementError> {
  const result = await settle(text);
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

/** The German file with its third line's amount (column 15) replaced. */
const badAmount = () => {
  const lines = de.split('\n');
  const fields = lines[2]!.split('\t');
  fields[14] = '79,8x3';
  lines[2] = fields.join('\t');
  return lines.join('\n');
};

afterEach(() => setLocale('en'));

describe('settlement refusals in the seller’s language', () => {
  it('shows a German seller German text, the place and the value found, for a bad amount', async () => {
    const error = await refusal(badAmount());
    expect(error).toMatchObject({ code: 'BAD_AMOUNT', line: 3, columnName: 'amount', found: '79,8x3' });
    setLocale('de');
    const text = settlementErrorText(error);
    expect(text).toBe(
      'Diese Abrechnungsdatei konnte nicht gelesen werden (Zeile 3, Spalte amount): Gefunden: „79,8x3“. ' +
        'Das ist kein Betrag. Korrigieren Sie die Datei oder laden Sie „Flat File V2“ dieser Abrechnung ' +
        'aus Seller Central herunter (Payments › All Statements). Es wurde nichts gespeichert.',
    );
    expect(text).not.toContain(error.message);
  });

  it('names the kind of file a seller picked by mistake, in each language', async () => {
    const error = await refusal('%PDF-1.7\n%âãÏÓ\n');
    expect(error).toMatchObject({ code: 'NOT_SETTLEMENT_FILE', reason: 'pdf' });
    setLocale('fr');
    expect(settlementErrorText(error)).toContain('C’est un relevé PDF');
    setLocale('ja');
    expect(settlementErrorText(error)).toContain('PDF の明細書');
    setLocale('it');
    expect(settlementErrorText(error)).toContain('rendiconto PDF');
    setLocale('es');
    expect(settlementErrorText(error)).toContain('extracto en PDF');
  });

  it('keeps the English wording the parser and the CLI use', async () => {
    const error = await refusal(badAmount());
    setLocale('en');
    expect(settlementErrorText(error)).toBe(
      `This settlement file could not be read (line 3, column amount): ${error.message} Nothing was saved.`,
    );
    const empty = await refusal('');
    expect(empty.reason).toBe('empty');
    expect(settlementErrorText(empty)).toBe(
      `This settlement file could not be read (line 1): ${empty.message} Nothing was saved.`,
    );
  });

  it('has a message for every refusal code and reason the parser can give', () => {
    const source = readFileSync(join(root, 'lib/settlement/errors.ts'), 'utf8');
    const union = (name: string) => {
      const body = new RegExp(`export type ${name} =([^;]+);`).exec(source)?.[1] ?? '';
      return [...body.matchAll(/'([A-Za-z_]+)'/g)].map((m) => m[1]!);
    };
    const codes = union('SettlementErrorCode');
    const reasons = union('SettlementErrorReason');
    expect(codes.length).toBeGreaterThan(15);
    expect(reasons).toContain('pdf');
    for (const locale of LOCALES) {
      for (const code of codes) expect(CATALOGS[locale]).toHaveProperty([`settlementError.code.${code}`]);
      for (const reason of reasons)
        expect(CATALOGS[locale]).toHaveProperty([`settlementError.reason.${reason}`]);
    }
  });
});
