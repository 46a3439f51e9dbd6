import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { SettlementControl } from '../../../../components/in-page/SettlementControl';

let root: HTMLElement;
const mount = (xeroUrl: string) => {
  root = document.createElement('div');
  document.body.append(root);
  act(() =>
    render(
      <SettlementControl
        settlementId="s1"
        state={{ status: 'sent', xeroUrl }}
        isBusy={false}
        onSend={() => {}}
      />,
      root,
    ),
  );
  return root.querySelector('a');
};

afterEach(() => {
  render(null, root);
  root.remove();
});

describe('SettlementControl’s link to Xero', () => {
  it('links to a posted invoice in Xero’s web app', () => {
    const url =
      'https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=8f0c9a0e-1111-4e3b-9a51-000000000001';
    expect(mount(url)?.getAttribute('href')).toBe(url);
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
    expect(mount(url)).toBeNull();
    expect(root.textContent).toContain('Sent to Xero');
  });
});
