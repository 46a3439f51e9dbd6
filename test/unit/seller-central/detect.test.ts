import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPageContext } from '../../../lib/seller-central/detect';

const fixtureText = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../fixtures/seller-central', name), 'utf8');
const EU_MERCHANT = 'amzn1.merchant.d.AFIXTUREEU4M8N2QX7KZ3WR9PL6T';
const PARTNER = 'amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3';

/** Answers like Seller Central: JSON for the routes given, an HTML page for anything else. */
function fakeFetch(routes: Record<string, string>) {
  const asked: string[] = [];
  const impl = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    asked.push(url.pathname + url.search);
    const file = routes[url.pathname];
    if (!file) return new Response('<html>sign in</html>', { headers: { 'content-type': 'text/html' } });
    return new Response(fixtureText(file), { headers: { 'content-type': 'application/json;charset=UTF-8' } });
  }) as typeof fetch;
  return { impl, asked };
}

const docWith = (html: string) => {
  const doc = document.implementation.createHTMLDocument('sc');
  doc.body.innerHTML = html;
  return doc;
};

describe('readPageContext', () => {
  it('prefers the JSON endpoints and lists every regional account of the global account', async () => {
    const { impl, asked } = fakeFetch({
      '/account-switcher/global-and-regional-account/merchantMarketplace': 'context-de.json',
      '/account-switcher/regional-accounts/merchantMarketplace': 'regional-accounts-de.json',
    });
    const ctx = await readPageContext(docWith(''), new URL('https://sellercentral.amazon.de/home'), impl, {
      headerWaitMs: 5000,
    });
    expect(ctx).toMatchObject({
      host: 'sellercentral.amazon.de',
      recognised: true,
      merchantId: EU_MERCHANT,
      marketplaceId: 'A1PA6795UKMFR9',
      partnerAccountId: PARTNER,
      accountName: 'Acme Trading LLC',
      marketplaceName: 'Deutschland',
    });
    expect(ctx.regionalAccounts).toHaveLength(6);
    expect(asked[1]).toBe(
      `/account-switcher/regional-accounts/merchantMarketplace?globalAccountId=${encodeURIComponent(PARTNER)}`,
    );
  });

  it('falls back to the late header when the endpoints answer something else', async () => {
    const { impl } = fakeFetch({});
    const doc = docWith('<div id="navbar"></div>');
    setTimeout(() => {
      doc.getElementById('navbar')!.innerHTML =
        '<span class="dropdown-account-switcher-header-label-global">Acme Trading LLC .</span><span class="dropdown-account-switcher-header-label-regional">Deutschland</span>';
    }, 50);
    const ctx = await readPageContext(doc, new URL('https://sellercentral.amazon.de/home'), impl, {
      headerWaitMs: 5000,
    });
    expect(ctx).toEqual({
      host: 'sellercentral.amazon.de',
      recognised: true,
      accountName: 'Acme Trading LLC',
      marketplaceName: 'Deutschland',
    });
  });

  it('reads the header when the switcher JSON never answers, instead of never reporting the page', async () => {
    const hanging = (() => new Promise<Response>(() => {})) as typeof fetch;
    const doc = docWith(
      '<div id="navbar"><span class="dropdown-account-switcher-header-label-global">Acme Trading LLC</span><span class="dropdown-account-switcher-header-label-regional">United States</span></div>',
    );
    const ctx = await readPageContext(doc, new URL('https://sellercentral.amazon.com/home'), hanging, {
      headerWaitMs: 5000,
      jsonWaitMs: 50,
    });
    expect(ctx).toMatchObject({
      recognised: true,
      accountName: 'Acme Trading LLC',
      marketplaceName: 'United States',
    });
  }, 10_000);

  it('says "not recognised" for a page with none of the expected structure, and does not throw', async () => {
    const failing = (async () => {
      throw new TypeError('network down');
    }) as typeof fetch;
    const ctx = await readPageContext(
      docWith('<h1>Hi</h1>'),
      new URL('https://sellercentral.amazon.com/x'),
      failing,
      {
        headerWaitMs: 20,
      },
    );
    expect(ctx).toEqual({ host: 'sellercentral.amazon.com', recognised: false });
  });
});
