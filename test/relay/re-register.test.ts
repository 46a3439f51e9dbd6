// The background's relay port registers the install again when the relay has pruned it
// (retention deletes installs that hold nothing), instead of failing every call until the
// browser restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayPort } from '../../lib/background/relay';
import { fromKeyPair, generateKeyPair } from '../../lib/install-key';
import { RelayError } from '../../lib/relay-client';
import { type Stack, startStack } from './harness';

describe('an install the relay pruned', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('pglite');
  }, 60_000);
  afterAll(() => stack?.stop());

  it('is registered again on its next call, which then succeeds', async () => {
    const key = await fromKeyPair(await generateKeyPair());
    const port = createRelayPort({
      relayUrl: async () => stack.rut.url,
      loadKey: async () => key,
    });
    const relay = await port();
    expect(await relay.listConnections()).toEqual([]);

    const db = stack.rut.relay.store.db;
    await db.deleteFrom('installs').where('id', '=', key.installId).execute();
    expect(await db.selectFrom('installs').select('id').where('id', '=', key.installId).execute()).toEqual(
      [],
    );

    expect(await relay.listConnections()).toEqual([]);
    expect(
      await db.selectFrom('installs').select('id').where('id', '=', key.installId).execute(),
    ).toHaveLength(1);
  });

  it('still reports other relay errors as they are', async () => {
    const key = await fromKeyPair(await generateKeyPair());
    const relay = await createRelayPort({
      relayUrl: async () => stack.rut.url,
      loadKey: async () => key,
    })();
    const error = await relay.getJob({ jobId: 'no-such-job' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayError);
    expect((error as RelayError).code).not.toBe('unknown_install');
  });
});
