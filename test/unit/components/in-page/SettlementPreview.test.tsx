import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettlementPreview } from '../../../../components/in-page/SettlementPreview';
import { setLocale } from '../../../../lib/i18n';
// Every language's catalog, for the tests in other languages.
import '../../../../lib/i18n-catalogs';
import { buildInvoices, summariseSettlement, toReport } from '../../../../lib/settlement';
import type { SettlementView } from '../../../../lib/views';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../../fixtures/settlements', name), 'utf8');

async function view(file: string): Promise<SettlementView> {
  const summary = await summariseSettlement(fixture(file));
  if (!summary.ok) throw new Error(summary.error.message);
  const report = toReport(summary.value, buildInvoices(summary.value));
  return {
    settlementKey: `a:${report.settlementId}`,
    settlementId: report.settlementId,
    accountName: 'Acme',
    currency: report.currency,
    status: 'new',
    report,
    organisationName: 'Org',
    connectionStatus: 'connected',
    parts: [],
  };
}

let root: HTMLElement;
const mount = (views: SettlementView[]) => {
  root = document.createElement('div');
  document.body.append(root);
  act(() =>
    render(
      <SettlementPreview views={views} onSend={vi.fn()} onCancel={vi.fn()} onMapAccount={vi.fn()} />,
      root,
    ),
  );
};

afterEach(() => {
  setLocale('en');
  render(null, root);
  root.remove();
});

describe('SettlementPreview', () => {
  it('says "older V1 format" for a V1 flat file, and not for V2', async () => {
    mount([await view('ca-v1.tsv')]);
    expect(root.textContent).toContain('older V1 format');
    render(null, root);
    root.remove();
    mount([await view('us.tsv')]);
    expect(root.textContent).not.toContain('older V1 format');
  });

  it('says "nothing to send" for a zero settlement without rows and disables Send', async () => {
    mount([await view('zero.tsv')]);
    expect(root.querySelector('[data-testid="sb-nothing-to-send"]')?.textContent).toContain(
      'Nothing to send',
    );
    expect(root.querySelector<HTMLButtonElement>('[data-testid="sb-send"]')?.disabled).toBe(true);
  });

  it("says both in the seller's language (German)", async () => {
    setLocale('de');
    mount([await view('ca-v1.tsv'), await view('zero.tsv')]);
    expect(root.textContent).toContain('älteres V1-Format');
    expect(root.querySelector('[data-testid="sb-nothing-to-send"]')?.textContent).toContain(
      'Nichts zu senden',
    );
    expect(root.textContent).not.toContain('older V1 format');
    expect(root.textContent).not.toContain('Nothing to send');
  });

  it('keeps Send enabled when a settlement has invoices', async () => {
    mount([await view('us.tsv')]);
    expect(root.querySelector('[data-testid="sb-nothing-to-send"]')).toBeNull();
    expect(root.querySelector<HTMLButtonElement>('[data-testid="sb-send"]')?.disabled).toBe(false);
  });
});
