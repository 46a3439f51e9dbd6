// clientAddress: X-Forwarded-For is believed only as far as TRUST_PROXY allows, so a
// client cannot choose its own address by sending the header. Real sockets on loopback.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress } from '../../relay/client-address';
import type { TrustProxy } from '../../relay/env';

describe('clientAddress', () => {
  let server: ReturnType<typeof serve>;
  let base: string;
  const trusts: Record<string, TrustProxy> = {
    none: { kind: 'none' },
    hops1: { kind: 'hops', hops: 1 },
    hops2: { kind: 'hops', hops: 2 },
    loopback: { kind: 'cidrs', list: ['loopback'] },
    elsewhere: { kind: 'cidrs', list: ['10.0.0.0/8'] },
    chain: { kind: 'cidrs', list: ['127.0.0.1', '10.0.0.0/8'] },
  };

  beforeAll(async () => {
    const app = new Hono().get('/:trust', (c) =>
      c.text(clientAddress(c, trusts[c.req.param('trust')]!) ?? 'none'),
    );
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it.each([
    ['none', undefined, '127.0.0.1'],
    ['none', '203.0.113.7', '127.0.0.1'],
    ['hops1', undefined, '127.0.0.1'],
    ['hops1', '203.0.113.7', '203.0.113.7'],
    // The left entries are whatever the client sent; one trusted hop reads only the proxy's.
    ['hops1', '6.6.6.6, 203.0.113.7', '203.0.113.7'],
    ['hops2', '6.6.6.6, 203.0.113.7', '6.6.6.6'],
    ['loopback', '6.6.6.6, 203.0.113.7', '203.0.113.7'],
    ['elsewhere', '203.0.113.7', '127.0.0.1'],
    ['chain', '198.51.100.9, 10.1.2.3', '198.51.100.9'],
  ])('with TRUST_PROXY %s and X-Forwarded-For %s the client is %s', async (trust, xff, expected) => {
    const res = await fetch(`${base}/${trust}`, { headers: xff ? { 'x-forwarded-for': xff } : {} });
    expect(await res.text()).toBe(expected);
  });
});
