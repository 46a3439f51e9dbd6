import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv, shouldMigrateOnStart } from '../../relay/env';
import { TOKEN_KEY_A, TOKEN_KEY_B } from './harness';

const valid = {
  XERO_CLIENT_ID: 'id',
  XERO_CLIENT_SECRET: 'very-secret-value',
  PUBLIC_URL: 'https://relay.example/',
  TOKEN_KEYS: `${TOKEN_KEY_A},${TOKEN_KEY_B}`,
};

describe('relay configuration', () => {
  it('parses a valid environment with defaults', () => {
    const c = parseEnv(valid);
    expect(c.PUBLIC_URL).toBe('https://relay.example');
    expect(c.XERO_IDENTITY_URL).toBe('https://identity.xero.com');
    expect(c.TOKEN_KEYS.map((k) => k.id)).toEqual(['a', 'b']);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.INVOICE_STATUS).toBe('DRAFT');
    expect(c.XERO_WEB_URL).toBe('https://go.xero.com');
  });

  it.each([
    [{ XERO_CLIENT_ID: undefined }, /XERO_CLIENT_ID/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL must be an absolute/],
    [{ TOKEN_KEYS: 'a:c2hvcnQ=' }, /TOKEN_KEYS entries must be/],
    [{ TOKEN_KEYS: `${TOKEN_KEY_A},${TOKEN_KEY_A}` }, /twice/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ INVOICE_STATUS: 'SUBMITTED' }, /INVOICE_STATUS/],
    [{ NODE_ENV: 'production', PUBLIC_URL: 'http://relay.example' }, /PUBLIC_URL must be an https:\/\/ URL/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY must be a hop count or/],
    [{ TRUST_PROXY: 'proxy.example' }, /TRUST_PROXY must be a hop count or/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16/],
    [{ MIGRATE_ON_START: 'yes' }, /MIGRATE_ON_START must be 0 or 1/],
  ])('refuses %o with a message naming the variable', (override, message) => {
    expect(() => parseEnv({ ...valid, ...override })).toThrow(ConfigError);
    expect(() => parseEnv({ ...valid, ...override })).toThrow(message);
  });

  it.each([
    [undefined, { kind: 'none' }],
    ['0', { kind: 'none' }],
    ['2', { kind: 'hops', hops: 2 }],
    ['loopback, 10.0.0.0/8', { kind: 'cidrs', list: ['loopback', '10.0.0.0/8'] }],
  ])('reads TRUST_PROXY=%s as %o', (value, expected) => {
    expect(parseEnv({ ...valid, TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it('migrates at start by default on PGlite only; MIGRATE_ON_START overrides either way', () => {
    expect(shouldMigrateOnStart(parseEnv(valid))).toBe(true);
    const pg = { ...valid, DATABASE_URL: 'postgres://x@127.0.0.1/db' };
    expect(shouldMigrateOnStart(parseEnv(pg))).toBe(false);
    expect(shouldMigrateOnStart(parseEnv({ ...pg, MIGRATE_ON_START: '1' }))).toBe(true);
    expect(shouldMigrateOnStart(parseEnv({ ...valid, MIGRATE_ON_START: '0' }))).toBe(false);
  });

  it('accepts an https PUBLIC_URL in production', () => {
    expect(parseEnv({ ...valid, NODE_ENV: 'production' }).PUBLIC_URL).toBe('https://relay.example');
  });

  it('never echoes the client secret in its error', () => {
    try {
      parseEnv({ ...valid, PUBLIC_URL: 'nope' });
    } catch (e) {
      expect((e as Error).message).not.toContain('very-secret-value');
    }
  });

  it('npm run relay refuses to start, with a clear message, when the environment is incomplete', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'relay/server.ts'], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/cannot start; fix its environment/);
    expect(run.stderr).toMatch(/XERO_CLIENT_ID/);
    expect(run.stderr).toMatch(/TOKEN_KEYS/);
  });
});
