import { describe, expect, it } from 'vitest';
import { readHeader } from '../../../lib/seller-central/page';

const docWith = (html: string) => {
  const doc = document.implementation.createHTMLDocument('sc');
  doc.body.innerHTML = html;
  return doc;
};

describe('readHeader', () => {
  it.each([
    {
      name: 'current header',
      html: '<span class="dropdown-account-switcher-header-label-global">Acme Ltd</span><span class="dropdown-account-switcher-header-label-regional"> United Kingdom </span>',
      expected: { recognised: true, accountName: 'Acme Ltd', marketplaceName: 'United Kingdom' },
    },
    {
      name: 'legacy picker',
      html: '<select id="sc-mkt-picker-switcher-select"><option>www.amazon.com</option><option selected>www.amazon.ca</option></select>',
      expected: { recognised: true, marketplaceName: 'www.amazon.ca' },
    },
    { name: 'unknown page', html: '<h1>Something else</h1>', expected: { recognised: false } },
  ])('reads the $name', ({ html, expected }) => {
    const ctx = readHeader(docWith(html), new URL('https://sellercentral.amazon.com/home'));
    expect(ctx).toEqual({ host: 'sellercentral.amazon.com', ...expected });
  });

  it('takes merchant and marketplace from the switch parameters when they are well formed', () => {
    const url = new URL(
      'https://sellercentral.amazon.com/home?mons_sel_dir_mcid=A1B2C3D4E5F6G7&mons_sel_mkid=amzn1.mp.o.ATVPDKIKX0DER',
    );
    expect(readHeader(docWith(''), url)).toMatchObject({
      merchantId: 'A1B2C3D4E5F6G7',
      marketplaceId: 'amzn1.mp.o.ATVPDKIKX0DER',
    });
    const bad = new URL('https://sellercentral.amazon.com/home?mons_sel_dir_mcid=<script>');
    expect(readHeader(docWith(''), bad).merchantId).toBeUndefined();
  });
});
