import { describe, expect, it } from 'vitest';
import {
  downloadUrl,
  findStatementRows,
  pickerUrl,
  readHeader,
  switchUrl,
  waitForHeader,
} from '../../../lib/seller-central/page';

const docWith = (html: string) => {
  const doc = document.implementation.createHTMLDocument('sc');
  doc.body.innerHTML = html;
  return doc;
};
const HOME = new URL('https://sellercentral.amazon.com/home');
const NA_MERCHANT = 'amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV';

describe('readHeader', () => {
  it.each([
    {
      name: 'current header',
      html: '<span class="dropdown-account-switcher-header-label-global">Acme Ltd</span><span class="dropdown-account-switcher-header-label-regional"> United Kingdom </span>',
      expected: { recognised: true, accountName: 'Acme Ltd', marketplaceName: 'United Kingdom' },
    },
    {
      name: 'localised header ending in " ."',
      html: '<div id="navbar"><span class="dropdown-account-switcher-header-label-global">Acme Handels GmbH .</span><span class="dropdown-account-switcher-header-label-regional">Deutschland .</span></div>',
      expected: { recognised: true, accountName: 'Acme Handels GmbH', marketplaceName: 'Deutschland' },
    },
    {
      name: 'older partner switcher',
      html: '<div id="partner-switcher"><button class="partner-dropdown-button">Acme Ltd</button></div>',
      expected: { recognised: true, accountName: 'Acme Ltd' },
    },
    {
      name: 'legacy picker',
      html: '<select id="sc-mkt-picker-switcher-select"><option>www.amazon.com</option><option selected>www.amazon.ca</option></select>',
      expected: { recognised: true, marketplaceName: 'www.amazon.ca' },
    },
    { name: 'unknown page', html: '<h1>Something else</h1>', expected: { recognised: false } },
  ])('reads the $name', ({ html, expected }) => {
    expect(readHeader(docWith(html), HOME)).toEqual({ host: 'sellercentral.amazon.com', ...expected });
  });

  it('takes merchant and marketplace from the switch parameters only when they are well formed', () => {
    const url = new URL(
      `https://sellercentral.amazon.com/home?mons_sel_dir_mcid=${NA_MERCHANT}&mons_sel_mkid=amzn1.mp.o.ATVPDKIKX0DER`,
    );
    expect(readHeader(docWith(''), url)).toMatchObject({
      merchantId: NA_MERCHANT,
      marketplaceId: 'ATVPDKIKX0DER',
    });
    const bad = new URL('https://sellercentral.amazon.com/home?mons_sel_dir_mcid=<script>&mons_sel_mkid=x');
    expect(readHeader(docWith(''), bad)).toEqual({ host: 'sellercentral.amazon.com', recognised: false });
  });
});

describe('waitForHeader', () => {
  it('waits for the header the switcher widget renders after load', async () => {
    const doc = docWith('<div id="navbar"></div>');
    setTimeout(() => {
      doc.getElementById('navbar')!.innerHTML =
        '<span class="dropdown-account-switcher-header-label-global">Acme Trading LLC .</span>';
    }, 30);
    expect(await waitForHeader(doc, HOME, 5000)).toMatchObject({
      recognised: true,
      accountName: 'Acme Trading LLC',
    });
  });

  it('gives up after the timeout on a page without a header', async () => {
    expect(await waitForHeader(docWith('<p>nothing</p>'), HOME, 30)).toEqual({
      host: 'sellercentral.amazon.com',
      recognised: false,
    });
  });
});

describe('switch links', () => {
  it('carries every mons_sel_* value and stays on the given path', () => {
    const url = new URL(
      switchUrl({
        host: 'sellercentral-europe.amazon.com',
        path: '/payments/past-settlements',
        merchantId: 'amzn1.merchant.d.AFIXTUREEU4M8N2QX7KZ3WR9PL6T',
        marketplaceId: 'A1PA6795UKMFR9',
        partnerAccountId: 'amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3',
        delegationContext: 'DC1',
      }),
    );
    expect(url.pathname).toBe('/payments/past-settlements');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      mons_sel_dir_mcid: 'amzn1.merchant.d.AFIXTUREEU4M8N2QX7KZ3WR9PL6T',
      mons_sel_mkid: 'amzn1.mp.o.A1PA6795UKMFR9',
      mons_sel_dir_paid: 'amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3',
      mons_sel_dc: 'DC1',
      ignore_selection_changed: 'true',
    });
  });

  it('goes home rather than to a path that is not a plain path', () => {
    const url = switchUrl({
      host: 'h.example',
      path: '//evil.example/x',
      merchantId: 'A2EXAMPLE123',
      marketplaceId: 'X',
    });
    expect(new URL(url).origin + new URL(url).pathname).toBe('https://h.example/home');
  });

  it('sends the picker back to where the user was', () => {
    expect(pickerUrl('sellercentral.amazon.com', '/payments/past-settlements')).toBe(
      'https://sellercentral.amazon.com/account-switcher/default/merchantMarketplace?returnTo=%2Fpayments%2Fpast-settlements',
    );
    expect(pickerUrl('sellercentral.amazon.com', 'https://evil.example/')).toBe(
      'https://sellercentral.amazon.com/account-switcher/default/merchantMarketplace',
    );
  });
});

describe('findStatementRows', () => {
  const PAGE = new URL('https://sellercentral.amazon.com/payments/past-settlements');

  /** A current-UI row: the download actions in an open shadow root, as Katal renders them. */
  function katRow(doc: Document, actions: string[] | 'request' | 'none', period = 'p') {
    const row = doc.createElement('div');
    row.setAttribute('role', 'row');
    row.innerHTML = `<div role="cell">${period}</div><div role="cell" class="actions"></div>`;
    const cell = row.querySelector('.actions')!;
    if (actions === 'request') cell.innerHTML = '<kat-button label="Bericht anfordern"></kat-button>';
    else if (actions !== 'none') {
      const dropdown = doc.createElement('kat-dropdown-button');
      cell.append(dropdown);
      const [primary, ...rest] = actions;
      dropdown.attachShadow({ mode: 'open' }).innerHTML =
        `<div class="button-group-header"><button class="button" data-action="${primary}">Flatfile V2 herunterladen</button><button class="indicator"></button></div>` +
        `<div class="options">${rest.map((a) => `<button data-action="${a}">XML</button>`).join('')}</div>`;
    }
    doc.querySelector('kat-data-table')!.append(row);
    return row;
  }

  it('reads the current UI by structure: primary action, Present row skipped, Request Report row kept', () => {
    const doc = docWith(
      '<kat-data-table><div role="row"><div role="columnheader">Zeitraum</div></div></kat-data-table>',
    );
    katRow(doc, 'none', '03.07.2025 – Heute');
    const dl = katRow(doc, ['52630017891', '52630017801']);
    const req = katRow(doc, 'request');
    const rows = findStatementRows(doc, PAGE);
    expect(rows.map((r) => [r.kind, r.key])).toEqual([
      ['download', 'r:52630017891'],
      ['request', expect.stringMatching(/^q:/)],
    ]);
    const [first, second] = rows;
    expect(first).toMatchObject({
      referenceId: '52630017891',
      href: downloadUrl(PAGE.origin, '52630017891'),
      row: dl,
      place: dl.querySelector('kat-dropdown-button'),
    });
    expect(first && 'settlementId' in first && first.settlementId).toBeFalsy();
    expect(second?.row).toBe(req);
    expect(new URL(downloadUrl(PAGE.origin, '52630017891')).search).toBe(
      '?referenceId=52630017891&contentType=text%2Fxls&fileName=52630017891.txt',
    );
  });

  it('waits for a dropdown whose shadow root is not rendered yet', () => {
    const doc = docWith(
      '<kat-data-table><div role="row"><kat-dropdown-button></kat-dropdown-button></div></kat-data-table>',
    );
    expect(findStatementRows(doc, PAGE)).toEqual([]);
  });

  it('reads the older table by the download URL shape, not the link text', () => {
    const doc = docWith(`<table id="financialEventGroupList"><thead><tr><th>x</th></tr></thead><tbody>
      <tr><td>open</td><td></td></tr>
      <tr><td><a href="/payments/reports/download?referenceId=1&contentType=text%2Fxml&fileName=1.xml">V2?</a>
        <a href="/payments/reports/download?referenceId=52630017892&contentType=text%2Fxls&fileName=52630017892.txt">Télécharger</a></td></tr>
      <tr><td><a href="https://evil.example/payments/reports/download?referenceId=9&contentType=text%2Fxls&fileName=9.txt">x</a></td></tr>
    </tbody></table>`);
    const rows = findStatementRows(
      doc,
      new URL('https://sellercentral.amazon.com/payments/allstatements/index.html'),
    );
    expect(rows.map((r) => r.key)).toEqual(['r:52630017892']);
  });

  it('still reads links that name the settlement id (older invented layouts)', () => {
    const doc = docWith(
      '<table><tr><td><a href="/payments/reports/download?settlementId=18004731211&format=flatFileV2">Download</a></td></tr></table>',
    );
    expect(findStatementRows(doc, PAGE)).toMatchObject([
      { key: 's:18004731211', settlementId: '18004731211' },
    ]);
  });

  it('finds nothing on a page with none of the expected structure', () => {
    expect(findStatementRows(docWith('<h1>Hello</h1><button>Go</button>'), PAGE)).toEqual([]);
  });
});
