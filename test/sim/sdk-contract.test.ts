/**
 * The contract: the official SDKs, unmodified, against the sim — xero-node's AccountingApi
 * with its base path pointed at the sim, and openid-client 5 for OAuth with PKCE, as the
 * relay uses them (docs/domain.md#xero-node-sdk). If the SDK cannot parse an answer, the sim is wrong.
 */
import { type BaseClient, errors, generators, Issuer, type TokenSet } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountingApi, CurrencyCode, Invoice, type Invoices, LineAmountTypes } from 'xero-node';
import { SEED_CLIENT_ID, SEED_CLIENT_SECRET, UK_TENANT_ID } from '../../xero-sim/seed.ts';
import { decodeJwt, FULL_SCOPE, REDIRECT_URI, startTestSim, submitConsent } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;

/** xero-node rejects with a JSON string, not an Error (docs/domain.md#xero-node-sdk). */
async function sdkFailure(promise: Promise<unknown>): Promise<{ statusCode: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const parsed = JSON.parse(error as string) as { response: { statusCode: number; body: unknown } };
    return parsed.response;
  }
  throw new Error('expected the SDK call to fail');
}

describe('xero-sim with the official SDKs', () => {
  let sim: Sim;
  let client: BaseClient;
  let tokens: TokenSet;

  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(() => sim.stop());

  it('completes consent and code exchange through openid-client with PKCE', async () => {
    const issuer = await Issuer.discover(sim.url);
    client = new issuer.Client({
      client_id: SEED_CLIENT_ID,
      client_secret: SEED_CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      response_types: ['code'],
    });
    const verifier = generators.codeVerifier();
    const state = generators.state();
    const authUrl = client.authorizationUrl({
      scope: FULL_SCOPE,
      code_challenge: generators.codeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    // The consent page, driven as its buttons would: GET it, then POST the form.
    const page = await sim.fetch(authUrl);
    const html = await page.text();
    expect(html).toContain('Allow access');
    expect(html).toContain('Cancel');
    const consentId = /name="consent_id" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const answer = await submitConsent(sim, consentId, 'allow', [UK_TENANT_ID]);
    expect(answer.status).toBe(302);
    const params = client.callbackParams(answer.headers.get('location') ?? '');
    tokens = await client.callback(REDIRECT_URI, params, { code_verifier: verifier, state });

    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.expires_in).toBe(1800);
    expect(tokens.claims().email).toBe('bookkeeper@example.com');
  });

  it('lists the new connection by the authentication event of the access token', async () => {
    const authEventId = decodeJwt(tokens.access_token ?? '').authentication_event_id as string;
    const res = await fetch(`${sim.url}/connections?authEventId=${authEventId}`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const connections = (await res.json()) as { tenantId: string; tenantType: string; tenantName: string }[];
    expect(connections).toEqual([
      expect.objectContaining({
        tenantId: UK_TENANT_ID,
        tenantType: 'ORGANISATION',
        tenantName: 'Harbourline Trading Ltd',
      }),
    ]);
  });

  it('reads the organisation through AccountingApi', async () => {
    const accounting = new AccountingApi(`${sim.url}/api.xro/2.0`);
    accounting.accessToken = tokens.access_token ?? '';
    const { body } = await accounting.getOrganisations(UK_TENANT_ID);
    const org = body.organisations?.[0];
    expect(org?.name).toBe('Harbourline Trading Ltd');
    expect(org?.baseCurrency).toBe('GBP');
    expect(org?.createdDateUTC).toBeInstanceOf(Date);
    const actions = await accounting.getOrganisationActions(UK_TENANT_ID);
    expect(actions.body.actions?.find((a) => a.name === 'UseMulticurrency')?.status).toBe('ALLOWED');
    const currencies = await accounting.getCurrencies(UK_TENANT_ID);
    expect(currencies.body.currencies?.map((c) => c.code)).toEqual(['GBP', 'USD', 'EUR']);
  });

  it('stores one invoice when createInvoices is sent twice with one idempotency key', async () => {
    const accounting = new AccountingApi(`${sim.url}/api.xro/2.0`);
    accounting.accessToken = tokens.access_token ?? '';
    const invoices: Invoices = {
      invoices: [
        {
          type: Invoice.TypeEnum.ACCREC,
          contact: { name: 'Amazon.com' },
          date: '2024-05-31',
          dueDate: '2024-06-14',
          invoiceNumber: 'SB-US-12345678',
          reference: 'Amazon US settlement 12345678',
          currencyCode: CurrencyCode.USD,
          lineAmountTypes: LineAmountTypes.NoTax,
          status: Invoice.StatusEnum.AUTHORISED,
          lineItems: [
            { description: 'Sales principal', quantity: 1, unitAmount: 1141.18, accountCode: '201' },
            { description: 'Amazon fees', quantity: 1, unitAmount: -171.18, accountCode: '410' },
            { description: 'Current reserve', quantity: 1, unitAmount: -20.01, accountCode: '615' },
          ],
        },
      ],
    };
    const first = await accounting.createInvoices(UK_TENANT_ID, invoices, false, 4, 'settlement-12345678-v1');
    const second = await accounting.createInvoices(
      UK_TENANT_ID,
      invoices,
      false,
      4,
      'settlement-12345678-v1',
    );
    const created = first.body.invoices?.[0];
    expect(created?.invoiceID).toMatch(/^[0-9a-f-]{36}$/);
    expect(created?.total).toBe(949.99);
    expect(created?.date).toBeInstanceOf(Date);
    expect(created?.updatedDateUTC).toBeInstanceOf(Date);
    expect(second.body.invoices?.[0]?.invoiceID).toBe(created?.invoiceID);
    expect(second.response.headers['idempotent-replayed']).toBe('true');

    const found = await accounting.getInvoices(UK_TENANT_ID, undefined, 'InvoiceNumber=="SB-US-12345678"');
    expect(found.body.invoices).toHaveLength(1);
    expect(
      (await sim.controls.state()).tenants.find((t) => t.tenantId === UK_TENANT_ID)?.invoices,
    ).toHaveLength(1);
  });

  it('surfaces a validation failure as xero-node’s JSON-string rejection with Xero’s body', async () => {
    const accounting = new AccountingApi(`${sim.url}/api.xro/2.0`);
    accounting.accessToken = tokens.access_token ?? '';
    const failure = await sdkFailure(
      accounting.createInvoices(UK_TENANT_ID, {
        invoices: [
          {
            type: Invoice.TypeEnum.ACCREC,
            contact: { name: 'Amazon.com' },
            currencyCode: CurrencyCode.JPY,
            lineItems: [{ description: 'x', quantity: 1, unitAmount: 1, accountCode: '201' }],
          },
        ],
      }),
    );
    expect(failure.statusCode).toBe(400);
    expect(JSON.stringify(failure.body)).toContain('Organisation is not subscribed to currency JPY');
  });

  it('rotates the refresh token and refuses the old one after the grace period', async () => {
    const old = tokens.refresh_token ?? '';
    const refreshed = await client.refresh(old);
    expect(refreshed.refresh_token).not.toBe(old);
    sim.clock.advance(31 * 60_000);
    const refused = await client.refresh(old).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(errors.OPError);
    expect((refused as errors.OPError).error).toBe('invalid_grant');
    tokens = await client.refresh(refreshed.refresh_token ?? '');
    expect(tokens.access_token).toBeTruthy();
  });

  it('answers 403 to the SDK once the connection is deleted', async () => {
    const list = (await (
      await fetch(`${sim.url}/connections`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    ).json()) as { id: string }[];
    const del = await fetch(`${sim.url}/connections/${list[0]?.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(del.status).toBe(204);
    const accounting = new AccountingApi(`${sim.url}/api.xro/2.0`);
    accounting.accessToken = tokens.access_token ?? '';
    const failure = await sdkFailure(accounting.getOrganisations(UK_TENANT_ID));
    expect(failure.statusCode).toBe(403);
  });
});
