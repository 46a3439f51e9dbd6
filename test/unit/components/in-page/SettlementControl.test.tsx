import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettlementControl } from '../../../../components/in-page/SettlementControl';

let root: HTMLElement;
const mount = (state: Parameters<typeof SettlementControl>[0]['state']) => {
  root = document.createElement('div');
  document.body.append(root);
  act(() =>
    render(<SettlementControl settlementId="1" state={state} isBusy={false} onSend={vi.fn()} />, root),
  );
};
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('SettlementControl', () => {
  it('shows a conflict with the reason and offers no send, nor a link to the other invoice', () => {
    const error = 'Xero already has bill AMZ-1 for Amazon dated 2025-06-21 with a different total.';
    mount({ status: 'conflict', error });
    expect(root.querySelector('.sb-badge')?.textContent).toBe('Conflict in Xero');
    expect(root.querySelector('.sb-error')?.textContent).toBe(error);
    expect(root.querySelector('button')).toBeNull();
    expect(root.querySelector('a')).toBeNull();
  });

  it('links a sent bill to the link the relay gave, through the organisation login', () => {
    const xeroUrl =
      'https://go.xero.com/organisationlogin/default.aspx?shortcode=!kWh9z&redirecturl=/AccountsPayable/Edit.aspx?InvoiceID=abc';
    mount({ status: 'sent', xeroUrl });
    expect(root.querySelector('a')?.getAttribute('href')).toBe(xeroUrl);
  });
});
