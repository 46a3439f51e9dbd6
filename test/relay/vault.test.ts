import { describe, expect, it } from 'vitest';
import { Vault, VaultError } from '../../relay/vault';

const key = (id: string, byte: number) => ({ id, key: Buffer.alloc(32, byte) });

describe('token vault', () => {
  it('round-trips and tags each ciphertext with its key id, never containing the plaintext', () => {
    const vault = new Vault([key('k1', 1)]);
    const sealed = vault.encrypt('refresh-token-secret', 'conn-1');
    expect(sealed).toMatch(/^v1\.k1\./);
    expect(sealed).not.toContain('refresh-token-secret');
    expect(vault.decrypt(sealed, 'conn-1')).toBe('refresh-token-secret');
    expect(vault.encrypt('same', 'c')).not.toBe(vault.encrypt('same', 'c')); // fresh IV
  });

  it('refuses a ciphertext moved to another row or tampered with', () => {
    const vault = new Vault([key('k1', 1)]);
    const sealed = vault.encrypt('t', 'conn-1');
    expect(() => vault.decrypt(sealed, 'conn-2')).toThrow(VaultError);
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(() => vault.decrypt(flipped, 'conn-1')).toThrow(VaultError);
  });

  it('decrypts under older keys, reseals under the current one, and names a missing key', () => {
    const old = new Vault([key('k1', 1)]);
    const sealed = old.encrypt('t', 'c');
    const rotated = new Vault([key('k2', 2), key('k1', 1)]);
    expect(rotated.decrypt(sealed, 'c')).toBe('t');
    const resealed = rotated.reseal(sealed, 'c')!;
    expect(resealed).toMatch(/^v1\.k2\./);
    expect(rotated.reseal(resealed, 'c')).toBeUndefined();
    expect(() => new Vault([key('k2', 2)]).decrypt(sealed, 'c')).toThrow(/key "k1"/);
  });
});
