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
  return root.querySelector('a');
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
    expect(mount({ status: 'sent', xeroUrl })?.getAttribute('href')).toBe(xeroUrl);
  });
});

describe('SettlementControl’s link to Xero', () => {
  it('links to a posted invoice in Xero’s web app', () => {
    const url =
      'https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=8f0c9a0e-1111-4e3b-9a51-000000000001';
    expect(mount({ status: 'sent', xeroUrl: url })?.getAttribute('href')).toBe(url);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://go.xero.com/AccountsReceivable/View.aspx',
    'https://go.xero.com.evil.example/View.aspx',
    'https://evil.example/?https://go.xero.com/',
    'https://user@go.xero.com/',
  ])('renders no link for a URL the relay should not have sent: %s', (url) => {
    expect(mount({ status: 'sent', xeroUrl: url })).toBeNull();
    expect(root.textContent).toContain('Sent to Xero');
  });
});
