// Invoice attachments in the sim, through the official xero-node SDK where it has the call
// (createInvoiceAttachmentByFileName, getInvoiceAttachments) and raw HTTP for the limits.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountingApi } from 'xero-node';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_RECORD } from '../../xero-sim/routes/attachments.ts';
import { NZ_TENANT_ID } from '../../xero-sim/seed.ts';
import { api, connect, startTestSim } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;

describe('xero-sim invoice attachments', () => {
  let sim: Sim;
  let token: string;
  let invoiceId: string;
  const sdk = () => {
    const a = new AccountingApi(`${sim.url}/api.xro/2.0`);
    a.accessToken = token;
    return a;
  };
  const upload = (name: string, body: Uint8Array<ArrayBuffer> | string, contentType = 'text/plain') =>
    sim.fetch(`${sim.url}/api.xro/2.0/Invoices/${invoiceId}/Attachments/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'xero-tenant-id': NZ_TENANT_ID,
        'content-type': contentType,
      },
      body,
    });

  beforeAll(async () => {
    sim = await startTestSim();
  });
  beforeEach(async () => {
    await sim.controls.reset();
    token = (await connect(sim)).access_token;
    const res = await api(sim, token, NZ_TENANT_ID, '/Invoices', {
      method: 'PUT',
      body: {
        Type: 'ACCREC',
        Contact: { Name: 'Amazon.com' },
        Date: '2024-05-31',
        DueDate: '2024-06-14',
        LineAmountTypes: 'NoTax',
        LineItems: [
          { Description: 'Sales', Quantity: 1, UnitAmount: 100, AccountCode: '200', TaxType: 'NONE' },
        ],
      },
    });
    expect(res.status).toBe(200);
    invoiceId = ((await res.json()) as { Invoices: { InvoiceID: string }[] }).Invoices[0]!.InvoiceID;
  });
  afterAll(() => sim.stop());

  it('takes a file through the SDK, lists it, serves its bytes and marks the invoice', async () => {
    const bytes = Buffer.from('settlement-id\ttotal-amount\n123\t10.00\n');
    const created = await sdk().createInvoiceAttachmentByFileName(
      NZ_TENANT_ID,
      invoiceId,
      'settlement-123.txt',
      bytes as never,
    );
    expect(created.body.attachments?.[0]).toMatchObject({
      fileName: 'settlement-123.txt',
      contentLength: bytes.length,
    });
    const listed = await sdk().getInvoiceAttachments(NZ_TENANT_ID, invoiceId);
    expect(listed.body.attachments?.map((a) => [a.fileName, a.contentLength])).toEqual([
      ['settlement-123.txt', bytes.length],
    ]);
    const file = await sim.fetch(
      `${sim.url}/api.xro/2.0/Invoices/${invoiceId}/Attachments/settlement-123.txt`,
      {
        headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': NZ_TENANT_ID },
      },
    );
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
    const inv = await sdk().getInvoice(NZ_TENANT_ID, invoiceId);
    expect(inv.body.invoices?.[0]?.hasAttachments).toBe(true);
  });

  it('keeps a second upload of the same name as a second attachment, as Xero does', async () => {
    expect((await upload('summary.csv', 'a,b\n', 'text/csv')).status).toBe(200);
    expect((await upload('summary.csv', 'a,b\n', 'text/csv')).status).toBe(200);
    const listed = await sdk().getInvoiceAttachments(NZ_TENANT_ID, invoiceId);
    expect(listed.body.attachments?.map((a) => a.fileName)).toEqual(['summary.csv', 'summary.csv']);
  });

  it('refuses a file over 10 MB with 413 and stores nothing', async () => {
    const res = await upload('big.txt', new Uint8Array(MAX_ATTACHMENT_BYTES + 1));
    expect(res.status).toBe(413);
    expect((await upload('fits.txt', new Uint8Array(3.6 * 1024 * 1024).fill(65))).status).toBe(200);
    const listed = await sdk().getInvoiceAttachments(NZ_TENANT_ID, invoiceId);
    expect(listed.body.attachments?.map((a) => a.fileName)).toEqual(['fits.txt']);
  });

  it.each([
    ['run.exe', /cannot be attached/],
    ['no-extension', /cannot be attached/],
  ])('refuses %s with a ValidationException', async (name, message) => {
    const res = await upload(name, 'x');
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      Type: string;
      Elements: { ValidationErrors: { Message: string }[] }[];
    };
    expect(body.Type).toBe('ValidationException');
    expect(body.Elements[0]?.ValidationErrors[0]?.Message).toMatch(message);
  });

  it('refuses an empty file and an eleventh attachment', async () => {
    expect((await upload('empty.txt', '')).status).toBe(400);
    for (let i = 0; i < MAX_ATTACHMENTS_PER_RECORD; i++)
      expect((await upload(`f${i}.txt`, 'x')).status).toBe(200);
    const res = await upload('one-more.txt', 'x');
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/at most 10 attachments/);
  });

  it('answers 404 for an invoice that does not exist', async () => {
    invoiceId = '00000000-0000-4000-8000-000000000000';
    expect((await upload('a.txt', 'x')).status).toBe(404);
  });
});
