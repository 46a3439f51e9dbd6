// One Xero consent covering several organisations: the connection is bound to none of them
// until its owner chooses one; then it reads from and posts to that organisation only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayError } from '../../lib/relay-client';
import { AU_TENANT_ID, CA_TENANT_ID, NZ_TENANT_ID, UK_TENANT_ID, US_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  newInstall,
  type RelayUnderTest,
  STORE_KINDS,
  type Stack,
  snapshotStore,
  startStack,
} from './harness';
import { waitForJob } from './invoice-helpers';

/** A GBP invoice the sim's UK organisation (default chart) accepts. */
const ukInvoice = (number: string) => ({
  Type: 'ACCREC' as const,
  Contact: { Name: 'Amazon EU S.a.r.l.' },
  Date: '2024-05-31',
  DueDate: '2024-05-31',
  LineAmountTypes: 'Inclusive' as const,
  InvoiceNumber: number,
  Reference: number,
  CurrencyCode: 'GBP',
  LineItems: [
    {
      Description: 'Amazon sales',
      Quantity: 1 as const,
      UnitAmount: '100.00',
      AccountCode: '200',
      TaxType: 'OUTPUT2',
      Tracking: [],
    },
  ],
});

describe.each(STORE_KINDS)(
  'choosing the organisation of a multi-organisation consent (%s store)',
  (storeKind) => {
    let sim: RunningSim;
    let rut: RelayUnderTest;
    let stack: Stack | undefined;

    beforeAll(async () => {
      stack = await startStack(storeKind);
      ({ sim, rut } = stack);
    });
    afterAll(async () => {
      await stack?.stop();
    });

    const numbersIn = (tenantId: string) =>
      [...(sim.state.orgs.get(tenantId)?.invoices.values() ?? [])].map((i) => i.InvoiceNumber);

    it('binds a single-organisation consent at once', async () => {
      const ext = await newInstall(rut.url);
      const redeemed = await connectAccount(ext, 'amzn-one', [UK_TENANT_ID]);
      expect(redeemed.tenantChosen).toBe(true);
      const org = await ext.client.organisation({
        connectionId: redeemed.connectionId,
        accountId: 'amzn-one',
      });
      expect(org.name).toMatch(/Harbourline/);
    });

    it('keeps a two-organisation consent unusable until one is chosen, then posts only there', async () => {
      const ext = await newInstall(rut.url);
      const redeemed = await connectAccount(ext, 'amzn-two', [NZ_TENANT_ID, UK_TENANT_ID]);
      const { connectionId } = redeemed;
      expect(redeemed.tenantChosen).toBe(false);
      expect(redeemed.tenants.map((t) => t.tenantId).sort()).toEqual([NZ_TENANT_ID, UK_TENANT_ID].sort());
      // The choice is still there to ask for after the popup that started it has closed.
      const [pending] = await ext.client.listConnections();
      expect(pending?.chooseFrom?.map((t) => t.tenantId).sort()).toEqual([NZ_TENANT_ID, UK_TENANT_ID].sort());

      // Pending choice: no organisation facts, no books, no invoices.
      const refusals = await Promise.all([
        ext.client.organisation({ connectionId, accountId: 'amzn-two' }).catch((e: unknown) => e),
        ext.client.books({ connectionId, accountId: 'amzn-two' }).catch((e: unknown) => e),
        ext.client
          .submitInvoices({
            connectionId,
            accountId: 'amzn-two',
            invoices: [{ idempotencyKey: 'choice-early', invoice: ukInvoice('AMZ-CHOICE-EARLY') }],
          })
          .catch((e: unknown) => e),
      ]);
      for (const r of refusals) {
        expect(r).toBeInstanceOf(RelayError);
        expect(r).toMatchObject({ status: 409, code: 'tenant_not_chosen' });
      }
      expect(numbersIn(NZ_TENANT_ID)).not.toContain('AMZ-CHOICE-EARLY');
      expect(numbersIn(UK_TENANT_ID)).not.toContain('AMZ-CHOICE-EARLY');

      const other = await newInstall(rut.url);
      // A tenant the consent did not cover is refused by id, and nothing changes.
      const before = await snapshotStore(rut.relay);
      const stranger = 'f0000000-0000-4000-8000-000000000000';
      const bad = await ext.client
        .chooseTenant({ connectionId, tenantId: stranger })
        .catch((e: unknown) => e);
      expect(bad).toMatchObject({
        status: 400,
        code: 'unknown_tenant',
        message: expect.stringContaining(stranger),
      });
      expect(await snapshotStore(rut.relay)).toEqual(before);

      // Another install cannot choose for it.
      const foreign = await other.client
        .chooseTenant({ connectionId, tenantId: UK_TENANT_ID })
        .catch((e) => e);
      expect(foreign).toMatchObject({ status: 403 });
      expect(await snapshotStore(rut.relay)).toEqual(before);

      // Choose the UK organisation (not the first the consent listed: NZ).
      const chosen = await ext.client.chooseTenant({ connectionId, tenantId: UK_TENANT_ID });
      expect(chosen).toEqual({
        connectionId,
        tenantId: UK_TENANT_ID,
        organisationName: expect.stringMatching(/Harbourline/),
      });
      // A retried choice is harmless; another organisation afterwards is refused, nothing changed.
      expect(await ext.client.chooseTenant({ connectionId, tenantId: UK_TENANT_ID })).toEqual(chosen);
      const afterChoice = await snapshotStore(rut.relay);
      const change = await ext.client.chooseTenant({ connectionId, tenantId: NZ_TENANT_ID }).catch((e) => e);
      expect(change).toMatchObject({ status: 409, code: 'tenant_already_chosen' });
      expect(await snapshotStore(rut.relay)).toEqual(afterChoice);

      const [listed] = await ext.client.listConnections();
      expect(listed).toMatchObject({ id: connectionId, tenantId: UK_TENANT_ID, status: 'connected' });
      expect(listed).not.toHaveProperty('chooseFrom');
      const row = afterChoice.connections.find((c) => c.id === connectionId)!;
      expect(JSON.parse(row.tenants_json).map((t: { tenantId: string }) => t.tenantId)).toEqual([
        UK_TENANT_ID,
      ]);

      const org = await ext.client.organisation({ connectionId, accountId: 'amzn-two' });
      expect(org.name).toMatch(/Harbourline/);
      const job = await ext.client.submitInvoices({
        connectionId,
        accountId: 'amzn-two',
        invoices: [{ idempotencyKey: 'choice-1', invoice: ukInvoice('AMZ-CHOICE-1') }],
      });
      expect((await waitForJob(ext.client, job.jobId)).counts.done).toBe(1);
      expect(numbersIn(UK_TENANT_ID)).toContain('AMZ-CHOICE-1');
      expect(numbersIn(NZ_TENANT_ID)).not.toContain('AMZ-CHOICE-1');
    });

    it('does not merge a two-organisation consent into a connection the install already has', async () => {
      const ext = await newInstall(rut.url);
      const first = await connectAccount(ext, 'amzn-a', [NZ_TENANT_ID]);
      const second = await connectAccount(ext, 'amzn-b', [NZ_TENANT_ID, UK_TENANT_ID]);
      expect(second.connectionId).not.toBe(first.connectionId);
      expect(second.tenantChosen).toBe(false);
      // The first connection still posts to its own organisation.
      const org = await ext.client.organisation({ connectionId: first.connectionId, accountId: 'amzn-a' });
      expect(org.name).toMatch(/Kowhai/);
    });

    /** The sim's Xero connections (one per user and organisation, as in Xero) by organisation. */
    const simConnected = async () => new Set((await sim.controls.state()).connections.map((k) => k.tenantId));

    it("disconnects only the chosen organisation: the consent's other organisation stays connected at Xero", async () => {
      const ext = await newInstall(rut.url);
      const { connectionId } = await connectAccount(ext, 'amzn-us-ca', [US_TENANT_ID, CA_TENANT_ID]);
      await ext.client.chooseTenant({ connectionId, tenantId: CA_TENANT_ID });
      const revocationsBefore = (await sim.controls.state()).counts.revocations;
      expect(await ext.client.disconnect({ connectionId })).toEqual({ affectedAccountIds: ['amzn-us-ca'] });
      const after = await simConnected();
      expect(after.has(CA_TENANT_ID)).toBe(false);
      // Revoking the token would have removed every organisation of that Xero user.
      expect(after.has(US_TENANT_ID)).toBe(true);
      expect((await sim.controls.state()).counts.revocations).toBe(revocationsBefore);
    });

    it('keeps another connection of the same Xero user working when one is disconnected', async () => {
      const ext = await newInstall(rut.url);
      const other = await newInstall(rut.url);
      const au = await connectAccount(ext, 'amzn-au', [AU_TENANT_ID]);
      const us = await connectAccount(ext, 'amzn-us', [US_TENANT_ID]);
      // A second browser signed in as the same Xero user shares Xero's connection to AU.
      const auElsewhere = await connectAccount(other, 'amzn-au-2', [AU_TENANT_ID]);

      await ext.client.disconnect({ connectionId: us.connectionId });
      await other.client.disconnect({ connectionId: auElsewhere.connectionId });

      expect((await simConnected()).has(AU_TENANT_ID)).toBe(true);
      const org = await ext.client.organisation({
        connectionId: au.connectionId,
        accountId: 'amzn-au',
        refresh: true,
      });
      expect(org.baseCurrency).toBe('AUD');
      const [listed] = await ext.client.listConnections();
      expect(listed).toMatchObject({ id: au.connectionId, status: 'connected' });
    });

    it('renews the connection the install already has when the chosen organisation is one it holds', async () => {
      const ext = await newInstall(rut.url);
      const first = await connectAccount(ext, 'amzn-nz-1', [NZ_TENANT_ID]);
      const second = await connectAccount(ext, 'amzn-nz-2', [NZ_TENANT_ID, UK_TENANT_ID]);
      expect(second.tenantChosen).toBe(false);

      const chosen = await ext.client.chooseTenant({
        connectionId: second.connectionId,
        tenantId: NZ_TENANT_ID,
      });
      expect(chosen).toMatchObject({ connectionId: first.connectionId, tenantId: NZ_TENANT_ID });
      // A retried choice answers the same.
      expect(
        await ext.client.chooseTenant({ connectionId: second.connectionId, tenantId: NZ_TENANT_ID }),
      ).toEqual(chosen);
      const live = (await ext.client.listConnections()).filter((c) => c.status !== 'disconnected');
      expect(live).toEqual([
        expect.objectContaining({
          id: first.connectionId,
          tenantId: NZ_TENANT_ID,
          accountIds: ['amzn-nz-1', 'amzn-nz-2'],
        }),
      ]);
      const org = await ext.client.organisation({ connectionId: first.connectionId, accountId: 'amzn-nz-2' });
      expect(org.name).toMatch(/Kowhai/);
    });
  },
);
