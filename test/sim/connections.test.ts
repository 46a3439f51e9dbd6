import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NZ_TENANT_ID, UK_TENANT_ID } from '../../xero-sim/seed.ts';
import { api, connect, decodeJwt, startTestSim } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof startTestSim>>;

describe('connections', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(() => sim.stop());

  const list = async (token: string, query = '') =>
    (await (
      await sim.fetch(`${sim.url}/connections${query}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { id: string; tenantId: string; authEventId: string; createdDateUtc: string }[];

  it('answers 401 without a valid bearer token', async () => {
    const res = await sim.fetch(`${sim.url}/connections`, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
  });

  it('narrows to the organisations of one consent with ?authEventId=', async () => {
    const first = await connect(sim, { tenants: [NZ_TENANT_ID] });
    const second = await connect(sim, { tenants: [UK_TENANT_ID] });
    expect((await list(second.access_token)).map((k) => k.tenantId).sort()).toEqual(
      [NZ_TENANT_ID, UK_TENANT_ID].sort(),
    );
    const authEventId = decodeJwt(second.access_token).authentication_event_id as string;
    expect((await list(second.access_token, `?authEventId=${authEventId}`)).map((k) => k.tenantId)).toEqual([
      UK_TENANT_ID,
    ]);
    expect((await list(first.access_token))[0]?.createdDateUtc).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$/,
    );
  });

  it('answers 403 for a tenant after DELETE /connections/{id}', async () => {
    const tokens = await connect(sim, { tenants: [NZ_TENANT_ID] });
    expect((await api(sim, tokens.access_token, NZ_TENANT_ID, '/Organisation')).status).toBe(200);
    const id = (await list(tokens.access_token)).find((k) => k.tenantId === NZ_TENANT_ID)?.id;
    const del = await sim.fetch(`${sim.url}/connections/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(del.status).toBe(204);
    const res = await api(sim, tokens.access_token, NZ_TENANT_ID, '/Organisation');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      Title: 'Forbidden',
      Status: 403,
      Detail: 'AuthenticationUnsuccessful',
    });
  });

  it('answers 404 to DELETE of an unknown connection', async () => {
    const tokens = await connect(sim, { tenants: [NZ_TENANT_ID] });
    const del = await sim.fetch(`${sim.url}/connections/00000000-0000-4000-8000-000000000000`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(del.status).toBe(404);
  });

  it('answers 403 after the user disconnects the app from inside Xero', async () => {
    const tokens = await connect(sim, { tenants: [UK_TENANT_ID] });
    expect(await sim.controls.disconnectTenant(UK_TENANT_ID)).toEqual({ removed: 1 });
    expect((await api(sim, tokens.access_token, UK_TENANT_ID, '/Organisation')).status).toBe(403);
    expect((await list(tokens.access_token)).some((k) => k.tenantId === UK_TENANT_ID)).toBe(false);
  });

  it('answers 403 for a tenant id that was never connected', async () => {
    const tokens = await connect(sim, { tenants: [NZ_TENANT_ID] });
    expect((await api(sim, tokens.access_token, 'not-a-tenant', '/Organisation')).status).toBe(403);
  });
});
