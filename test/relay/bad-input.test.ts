import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromKeyPair, generateKeyPair, proofTarget } from '../../lib/install-key';
import { createRelayClient } from '../../lib/relay-client';
import { NZ_TENANT_ID } from '../../xero-sim/seed';
import type { RunningSim } from '../../xero-sim/start';
import {
  connectAccount,
  type Extension,
  newInstall,
  RETURN_URL,
  type RelayUnderTest,
  snapshotStore,
  startRelay,
  startTestSim,
} from './harness';

const EXT_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

describe('the relay refuses bad input with a clear 4xx and changes nothing', () => {
  let sim: RunningSim;
  let rut: RelayUnderTest;
  let ext: Extension;
  let connectionId: string;

  beforeAll(async () => {
    sim = await startTestSim();
    rut = await startRelay({
      sim,
      store: 'pglite',
      env: { RATE_LIMIT_PER_MINUTE: '1000', BODY_LIMIT_BYTES: '2048' },
    });
    ext = await newInstall(rut.url);
    ({ connectionId } = await connectAccount(ext, 'us', [NZ_TENANT_ID]));
  });
  afterAll(async () => {
    await rut?.stop();
    await sim?.stop();
  });

  const url = (path: string) => `${rut.url}/v1${path}`;

  async function expectRefused(res: Response, status: number, code: string, message: RegExp): Promise<void> {
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
    expect(body.error.message).toMatch(message);
  }

  async function unchanged(fn: () => Promise<void>, includeProofs = true) {
    const before = await snapshotStore(rut.relay, { includeProofs });
    await fn();
    expect(await snapshotStore(rut.relay, { includeProofs })).toEqual(before);
  }

  it('refuses a call without a proof', () =>
    unchanged(async () => {
      await expectRefused(await fetch(url('/connections')), 401, 'invalid_proof', /DPoP header/);
    }));

  it('refuses a proof signed by a different key than the one it carries (forged)', () =>
    unchanged(async () => {
      const attacker = await generateKeyPair();
      const proof = await new SignJWT({ htm: 'GET', htu: url('/connections'), jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: ext.key.publicJwk })
        .setIssuedAt()
        .sign(attacker.privateKey);
      await expectRefused(
        await fetch(url('/connections'), { headers: { DPoP: proof } }),
        401,
        'invalid_proof',
        /signature/,
      );
    }));

  it('refuses a proof for another method or URL', () =>
    unchanged(async () => {
      const forPost = await ext.key.createProof('POST', url('/connections'));
      await expectRefused(
        await fetch(url('/connections'), { headers: { DPoP: forPost } }),
        401,
        'invalid_proof',
        /POST/,
      );
      const forOther = await ext.key.createProof('GET', url('/connect/start'));
      await expectRefused(
        await fetch(url('/connections'), { headers: { DPoP: forOther } }),
        401,
        'invalid_proof',
        /different URL/,
      );
    }));

  it('refuses a stale proof', async () => {
    const pair = await generateKeyPair();
    await createRelayClient({ baseUrl: rut.url, key: await fromKeyPair(pair) }).register();
    // Same registered key, clock five minutes behind: staleness is the only fault.
    const lagging = await fromKeyPair(pair, { now: () => Date.now() - 5 * 60_000 });
    await unchanged(async () => {
      const proof = await lagging.createProof('GET', url('/connections'));
      await expectRefused(
        await fetch(url('/connections'), { headers: { DPoP: proof } }),
        401,
        'invalid_proof',
        /stale/,
      );
    });
  });

  it('refuses a replayed proof', async () => {
    const proof = await ext.key.createProof('GET', url('/connections'));
    expect((await fetch(url('/connections'), { headers: { DPoP: proof } })).status).toBe(200);
    await unchanged(async () => {
      await expectRefused(
        await fetch(url('/connections'), { headers: { DPoP: proof } }),
        401,
        'replayed_proof',
        /already used/,
      );
    });
  });

  it('refuses a valid proof from an install that never registered', async () => {
    const stranger = await newInstall(rut.url, false);
    await unchanged(async () => {
      const err = await stranger.client.listConnections().catch((e) => e);
      expect(err).toMatchObject({ status: 401, code: 'unknown_install' });
    });
  });

  it('refuses malformed JSON', () =>
    unchanged(async () => {
      const res = await fetch(url('/connect/start'), {
        method: 'POST',
        headers: {
          DPoP: await ext.key.createProof('POST', url('/connect/start')),
          'content-type': 'application/json',
        },
        body: '{"accountId": "us", "returnUrl": ',
      });
      await expectRefused(res, 400, 'invalid_request', /not valid JSON/);
    }, false));

  it('refuses a body that fails the schema', () =>
    unchanged(async () => {
      const err = await ext.client
        .grant({ connectionId, accountIds: ['bad id with spaces'] })
        .catch((e) => e);
      expect(err).toMatchObject({
        status: 400,
        code: 'invalid_request',
        message: expect.stringMatching(/accountIds/),
      });
    }, false));

  it('refuses an oversized body before reading it', () =>
    unchanged(async () => {
      const res = await fetch(url('/connect/start'), {
        method: 'POST',
        headers: {
          DPoP: await ext.key.createProof('POST', url('/connect/start')),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ accountId: 'us', returnUrl: `${RETURN_URL}?pad=${'x'.repeat(5000)}` }),
      });
      await expectRefused(res, 413, 'payload_too_large', /larger than 2048 bytes/);
    }));

  it('answers CORS only for extension origins and refuses web pages', () =>
    unchanged(async () => {
      const pre = await fetch(url('/connections'), {
        method: 'OPTIONS',
        headers: {
          Origin: EXT_ORIGIN,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'dpop',
        },
      });
      expect(pre.headers.get('access-control-allow-origin')).toBe(EXT_ORIGIN);
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('dpop');
      const web = await fetch(url('/connections'), {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(web.headers.get('access-control-allow-origin')).toBeNull();
      const direct = await fetch(url('/connections'), {
        headers: {
          Origin: 'https://evil.example',
          DPoP: await ext.key.createProof('GET', url('/connections')),
        },
      });
      await expectRefused(direct, 403, 'invalid_request', /Only the Settlebridge extension/);
    }));

  it('strips query strings from htu as RFC 9449 requires', () => {
    expect(proofTarget('https://relay.example/v1/x?accountId=1#f')).toBe('https://relay.example/v1/x');
  });
});

describe('per-install rate limiting', () => {
  it('answers 429 rate_limited with Retry-After once an install exceeds its budget', async () => {
    const sim = await startTestSim();
    const rut = await startRelay({ sim, store: 'pglite', env: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const ext = await newInstall(rut.url);
      const other = await newInstall(rut.url);
      for (let i = 0; i < 3; i++) await ext.client.listConnections();
      const err = await ext.client.listConnections().catch((e) => e);
      expect(err).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(await other.client.listConnections()).toEqual([]); // other installs unaffected
    } finally {
      await rut.stop();
      await sim.stop();
    }
  });
});
