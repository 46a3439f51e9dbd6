import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deleteInstallKey, loadOrCreateInstallKey } from '../../lib/install-key';
import { verifyProofSignature } from '../../relay/auth/dpop';

describe('install key', () => {
  it('creates a key once and loads the same identity afterwards', async () => {
    await deleteInstallKey();
    const first = await loadOrCreateInstallKey();
    const again = await loadOrCreateInstallKey();
    expect(again.installId).toBe(first.installId);
    expect(first.installId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
    });
  });

  it('keeps the private key non-extractable', async () => {
    const idb = indexedDB.open('settlebridge-keys', 1);
    const db = await new Promise<IDBDatabase>((r) => {
      idb.onsuccess = () => r(idb.result);
    });
    const pair = await new Promise<CryptoKeyPair>((r) => {
      const req = db.transaction('keys').objectStore('keys').get('install');
      req.onsuccess = () => r(req.result);
    });
    db.close();
    expect(pair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', pair.privateKey)).rejects.toThrow();
  });

  it('signs proofs the relay accepts, bound to method and URL without query', async () => {
    const key = await loadOrCreateInstallKey();
    const proof = await key.createProof(
      'get',
      'https://relay.example/v1/connections/x/organisation?accountId=us',
    );
    const verified = await verifyProofSignature({
      proof,
      method: 'GET',
      url: 'https://relay.example/v1/connections/x/organisation',
      nowMs: Date.now(),
    });
    expect(verified.installId).toBe(key.installId);
    const other = await key.createProof('GET', 'https://relay.example/v1/connections/x/organisation');
    expect(other).not.toBe(proof); // a fresh jti each time
  });

  it('gives a new identity after the key is deleted', async () => {
    const before = await loadOrCreateInstallKey();
    await deleteInstallKey();
    expect((await loadOrCreateInstallKey()).installId).not.toBe(before.installId);
  });
});
