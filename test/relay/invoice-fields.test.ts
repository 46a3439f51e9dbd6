// What the relay writes on the wire for PUT /Invoices, read from the request body itself:
// Xero keeps Reference on sales invoices only ("ACCREC only", xero_accounting.yaml
// Invoice.Reference), so a bill goes without it and its InvoiceNumber carries the settlement.
// The sim ignores Reference on bills, so only the raw body can show it was not sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXeroGateway } from '../../relay/xero/client';
import { invoice } from './invoice-helpers';

describe('PUT /Invoices body', () => {
  let server: Server;
  let url: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (p: Buffer) => parts.push(p));
      req.on('end', () => {
        const body = Buffer.concat(parts).toString('utf8');
        bodies.push(body);
        const sent = (JSON.parse(body) as { Invoices: { InvoiceNumber: string }[] }).Invoices;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            Invoices: sent.map((i, n) => ({
              InvoiceID: `00000000-0000-4000-8000-00000000000${n}`,
              InvoiceNumber: i.InvoiceNumber,
              StatusAttributeString: 'OK',
            })),
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends Reference on a sales invoice and none on a bill, whose InvoiceNumber carries the settlement', async () => {
    const gateway = createXeroGateway({
      clientId: 'unused',
      clientSecret: 'unused',
      identityUrl: url,
      apiUrl: url,
      redirectUri: 'http://127.0.0.1:9/unused',
      scopes: 'offline_access',
      timeoutMs: 5_000,
    });
    const sale = { ...invoice(1), Status: 'DRAFT' as const };
    const bill = {
      ...invoice(2, { Type: 'ACCPAY', Contact: { Name: 'Amazon Payments' } }),
      Status: 'DRAFT' as const,
    };
    expect(bill.Reference).toBe('Amazon.com settlement T2');
    const { results } = await gateway.createInvoices('token', 'tenant', [sale, bill], 'sb-test-fields');
    expect(results.map((r) => r.hasErrors)).toEqual([false, false]);

    expect(bodies).toHaveLength(1);
    const sent = (JSON.parse(bodies[0] as string) as { Invoices: Record<string, unknown>[] }).Invoices;
    expect(sent[0]).toMatchObject({
      Type: 'ACCREC',
      InvoiceNumber: 'AMZ-T000001',
      Reference: 'Amazon.com settlement T1',
    });
    expect(sent[1]).toMatchObject({ Type: 'ACCPAY', InvoiceNumber: 'AMZ-T000002' });
    expect(sent[1]).not.toHaveProperty('Reference');
  });
});
