// Token encryption at rest: AES-256-GCM, one random 96-bit IV per value, the row's id as
// associated data (a ciphertext copied onto another row fails to open). Each ciphertext
// names its key id so TOKEN_KEYS can rotate: new writes use the first (current) key, older
// keys only decrypt until `npm run relay:rekey` has moved everything over.
// Keys come from the environment, apart from the data they protect (Xero security standard).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface VaultKey {
  id: string;
  key: Buffer;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
}

export class Vault {
  private readonly byId: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keys: readonly VaultKey[]) {
    if (keys.length === 0) throw new VaultError('At least one token key is required.');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.currentKeyId = keys[0]!.id;
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.byId.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.currentKeyId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string, aad: string): string {
    const [version, keyId, iv, body] = sealed.split('.');
    if (version !== VERSION || !keyId || !iv || !body) throw new VaultError('Unrecognised token ciphertext.');
    const key = this.byId.get(keyId);
    if (!key)
      throw new VaultError(`Token was encrypted with key "${keyId}", which TOKEN_KEYS no longer holds.`);
    const raw = Buffer.from(body, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new VaultError(`Token ciphertext under key "${keyId}" failed authentication.`);
    }
  }

  keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }

  /** Re-seal under the current key; returns undefined when already current. */
  reseal(sealed: string, aad: string): string | undefined {
    if (this.keyIdOf(sealed) === this.currentKeyId) return undefined;
    return this.encrypt(this.decrypt(sealed, aad), aad);
  }
}
