// The install's identity: a non-extractable ECDSA P-256 key pair kept in IndexedDB.
// The private key never leaves WebCrypto, so nothing in extension storage is worth
// stealing; the relay knows the install only by the RFC 7638 thumbprint of the public key.
// Works in a service worker (no DOM): only indexedDB and crypto.subtle are used.
import { calculateJwkThumbprint, type JWK, SignJWT } from 'jose';
import { DATABASES } from './storage';

const DB_NAME = DATABASES.installKey;
const STORE = 'keys';
const RECORD = 'install';

export interface InstallKey {
  /** RFC 7638 thumbprint of the public key: the install id the relay uses. */
  readonly installId: string;
  readonly publicJwk: JWK;
  /** A DPoP proof (RFC 9449) for one request. `url` may carry a query; it is stripped. */
  createProof(method: string, url: string): Promise<string>;
}

export interface InstallKeyDeps {
  indexedDB?: IDBFactory;
  crypto?: Crypto;
  now?: () => number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function openDb(idb: IDBFactory): Promise<IDBDatabase> {
  const req = idb.open(DB_NAME, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

async function withStore<T>(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T>,
) {
  const tx = db.transaction(STORE, mode);
  const result = await request(fn(tx.objectStore(STORE)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return result;
}

/** Strip query and fragment, as DPoP's `htu` claim requires. */
export function proofTarget(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

export async function fromKeyPair(pair: CryptoKeyPair, deps: InstallKeyDeps = {}): Promise<InstallKey> {
  const subtle = (deps.crypto ?? globalThis.crypto).subtle;
  const now = deps.now ?? Date.now;
  const { kty, crv, x, y } = (await subtle.exportKey('jwk', pair.publicKey)) as JWK;
  const publicJwk: JWK = { kty, crv, x, y };
  const installId = await calculateJwkThumbprint(publicJwk, 'sha256');
  return {
    installId,
    publicJwk,
    createProof: (method, url) =>
      new SignJWT({ htm: method.toUpperCase(), htu: proofTarget(url), jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
        .setIssuedAt(Math.floor(now() / 1000))
        .sign(pair.privateKey),
  };
}

export async function generateKeyPair(cryptoImpl: Crypto = globalThis.crypto): Promise<CryptoKeyPair> {
  return cryptoImpl.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
}

/** Load the install key, creating and storing it on first use. */
export async function loadOrCreateInstallKey(deps: InstallKeyDeps = {}): Promise<InstallKey> {
  const idb = deps.indexedDB ?? globalThis.indexedDB;
  const db = await openDb(idb);
  try {
    let pair = await withStore<CryptoKeyPair | undefined>(db, 'readonly', (s) => s.get(RECORD));
    if (!pair) {
      pair = await generateKeyPair(deps.crypto);
      // `add`, not `put`: if two contexts race on first use, the loser re-reads the winner's key.
      try {
        await withStore(db, 'readwrite', (s) => s.add(pair, RECORD));
      } catch {
        pair = await withStore<CryptoKeyPair | undefined>(db, 'readonly', (s) => s.get(RECORD));
        if (!pair) throw new Error('Could not store the install key in IndexedDB.');
      }
    }
    return fromKeyPair(pair, deps);
  } finally {
    db.close();
  }
}

/** Forget the key (a new install identity is created on next use). */
export async function deleteInstallKey(idb: IDBFactory = globalThis.indexedDB): Promise<void> {
  const db = await openDb(idb);
  try {
    await withStore(db, 'readwrite', (s) => s.delete(RECORD));
  } finally {
    db.close();
  }
}
