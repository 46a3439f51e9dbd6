import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContextJson, parseRegionalAccountsJson } from '../../../lib/seller-central/context-json';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/seller-central', name), 'utf8'));

const NA_MERCHANT = 'amzn1.merchant.d.AFIXTURENA7Q3ZK2WPX9LM4RT5HV';
const EU_MERCHANT = 'amzn1.merchant.d.AFIXTUREEU4M8N2QX7KZ3WR9PL6T';
const PARTNER = 'amzn1.pa.d.AFIXTUREACMEGLOBALQ7K2M9XW3';

describe('parseContextJson', () => {
  it('reads the current selection in its real shape', () => {
    expect(parseContextJson(fixture('context-us.json'))).toEqual({
      merchantId: NA_MERCHANT,
      marketplaceId: 'ATVPDKIKX0DER',
      partnerAccountId: PARTNER,
      accountName: 'Acme Trading LLC',
      marketplaceName: 'United States',
    });
  });

  it('keeps the localised marketplace label and the EU merchant id', () => {
    expect(parseContextJson(fixture('context-de.json'))).toMatchObject({
      merchantId: EU_MERCHANT,
      marketplaceId: 'A1PA6795UKMFR9',
      marketplaceName: 'Deutschland',
    });
  });

  it('drops ids that are not in Amazon formats and keeps the rest', () => {
    const json = {
      globalAccount: { id: 'amzn1.pa.d.lowercase123', label: 'Acme .' },
      regionalAccount: {
        ids: { mons_sel_dir_mcid: '<script>', mons_sel_mkid: 'amzn1.mp.o.NOTAMARKET' },
        label: 7,
      },
    };
    expect(parseContextJson(json)).toEqual({ accountName: 'Acme' });
  });

  it('takes the partner account id from the regional account when the global one lacks it', () => {
    const json = { regionalAccount: { globalAccountId: PARTNER, ids: {} } };
    expect(parseContextJson(json)).toEqual({ partnerAccountId: PARTNER });
  });

  it('passes a non-empty delegation context on', () => {
    const json = { globalAccount: { id: PARTNER, delegationContext: 'amzn1.dc.ABC' } };
    expect(parseContextJson(json).delegationContext).toBe('amzn1.dc.ABC');
  });

  it.each([null, 42, 'text', [], { merchantId: '<script>', marketplaceId: 'NOTAMARKET' }, undefined])(
    'finds nothing in %o and does not throw',
    (json) => {
      expect(parseContextJson(json)).toEqual({});
    },
  );
});

describe('parseRegionalAccountsJson', () => {
  it('lists every marketplace of the EU merchant from the real list', () => {
    const list = parseRegionalAccountsJson(fixture('regional-accounts-de.json'));
    expect(list.map((r) => r.marketplaceId)).toEqual([
      'A1F83G8C2ARO7P',
      'A1PA6795UKMFR9',
      'A13V1IB3VIYZZH',
      'APJ6JRA9NG5V4',
      'A1RKKUPIHCS9HS',
      'A28R8C7NBKEWEA',
    ]);
    expect(new Set(list.map((r) => r.merchantId))).toEqual(new Set([EU_MERCHANT]));
    expect(list[1]).toEqual({
      merchantId: EU_MERCHANT,
      marketplaceId: 'A1PA6795UKMFR9',
      label: 'Deutschland',
    });
  });

  it('accepts the list under a regionalAccounts key, and skips entries with bad ids', () => {
    const good = { ids: { mons_sel_dir_mcid: NA_MERCHANT, mons_sel_mkid: 'amzn1.mp.o.A2EUQ1WTGCTBG2' } };
    const bad = {
      ids: { mons_sel_dir_mcid: 'amzn1.merchant.x.ABC', mons_sel_mkid: 'amzn1.mp.o.ATVPDKIKX0DER' },
    };
    expect(parseRegionalAccountsJson({ regionalAccounts: [bad, good, 'x', null] })).toEqual([
      { merchantId: NA_MERCHANT, marketplaceId: 'A2EUQ1WTGCTBG2' },
    ]);
  });

  it.each([null, {}, 'x', [1, 2]])('finds nothing in %o', (json) => {
    expect(parseRegionalAccountsJson(json)).toEqual([]);
  });
});
