// Configuration from the environment, checked once at start. A missing or malformed
// value stops the relay with a message naming the variable, never with a stack trace.
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { DEV_CHROME_EXTENSION_ID, GECKO_ID } from '../lib/extension-ids';

const url = (name: string) =>
  z.url({ message: `${name} must be an absolute http(s) URL` }).transform((u) => u.replace(/\/+$/, ''));

const tokenKeys = z
  .string({
    message: 'TOKEN_KEYS is required: "<keyId>:<base64 32-byte key>[,<older>...]", current key first',
  })
  .transform((raw, ctx) => {
    const keys: { id: string; key: Buffer }[] = [];
    for (const part of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const i = part.indexOf(':');
      const id = part.slice(0, i);
      const key = Buffer.from(part.slice(i + 1), 'base64');
      if (i < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message:
            'TOKEN_KEYS entries must be "<keyId>:<base64 of exactly 32 bytes>" (key id: letters, digits, _ or -)',
        });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === id)) {
        ctx.addIssue({ code: 'custom', message: `TOKEN_KEYS lists key id "${id}" twice` });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'TOKEN_KEYS must hold at least one key' });
      return z.NEVER;
    }
    return keys;
  });

/**
 * Which peers may tell us the client's address in X-Forwarded-For: nobody (the socket's
 * address is the client), the nearest N proxies, or proxies at the listed addresses/CIDRs
 * (proxy-addr's syntax, also `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'cidrs'; list: string[] };

const trustProxy = z
  .string()
  .default('')
  .transform((raw, ctx): TrustProxy => {
    const v = raw.trim();
    if (v === '' || v === '0' || v === 'false') return { kind: 'none' };
    if (/^\d+$/.test(v)) return { kind: 'hops', hops: Number(v) };
    const list = v
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    try {
      proxyaddr.compile(list);
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        message: `TRUST_PROXY must be a hop count or comma-separated addresses/CIDRs (${(e as Error).message})`,
      });
      return z.NEVER;
    }
    return { kind: 'cidrs', list };
  });

/** Hosting settings: metrics, proxy trust, migrations at start, shutdown deadline. */
const operatingFields = {
  /** Bearer token for GET /metrics; without it /metrics is off. */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  TRUST_PROXY: trustProxy,
  /** `1` applies pending migrations at start; `0` refuses to serve an out-of-date schema. */
  MIGRATE_ON_START: z.enum(['0', '1'], { message: 'MIGRATE_ON_START must be 0 or 1' }).optional(),
  /** After SIGTERM, how long claimed invoice batches may take to finish before the relay exits. */
  SHUTDOWN_DEADLINE_SECONDS: z.coerce.number().int().min(1).max(600).default(25),
};

const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/**
 * Abuse limits, retention and who may sign in: every figure the relay enforces to stay up
 * under a flood and to keep its store from growing without bound (relay/README.md).
 */
const SecurityFields = {
  /**
   * Extensions whose browser-provided redirect URLs may receive a sign-in's relay code:
   * Chrome ids (32 letters a–p) and Firefox gecko ids. Defaults to the local build's ids.
   */
  ALLOWED_EXTENSION_IDS: z
    .string()
    .default(`${DEV_CHROME_EXTENSION_ID},${GECKO_ID}`)
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  /** New-install registrations one client address may make per minute. */
  REGISTRATIONS_PER_ADDRESS_PER_MINUTE: count(10),
  /** New-install registrations the whole instance accepts per minute. */
  REGISTRATIONS_PER_MINUTE: count(600),
  /**
   * How long a registration refused for its address's limit waits before its 429 is sent
   * (0 answers at once): a flooding client's connection can then ask at most once per this
   * long, so its pace is the relay's, not its own.
   */
  REGISTRATION_REFUSAL_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  /** Refusals held for that delay at once; past it they are answered at once. */
  REGISTRATION_REFUSALS_HELD_MAX: count(1000),
  /** Requests per second the whole instance serves before answering 429 (all routes). */
  GLOBAL_REQUESTS_PER_SECOND: count(1000),
  /** Invoices one install may have waiting or posting at once. */
  INSTALL_QUEUED_INVOICES_MAX: count(5000),
  /** Bytes of invoice payload one install may have waiting or posting at once. */
  INSTALL_QUEUED_BYTES_MAX: count(25 * 1024 * 1024),
  /** Finished (done or failed) invoice jobs and their items are deleted after this many days. */
  RETENTION_JOBS_DAYS: count(90),
  /** Used or expired sign-in states and relay codes are deleted after this many hours. */
  RETENTION_SIGN_IN_HOURS: count(24),
  /** Installs with no connection and no job are deleted this many days after registering. */
  RETENTION_IDLE_INSTALL_DAYS: count(30),
  /** How often each instance prunes (minutes). */
  RETENTION_SWEEP_MINUTES: count(60),
};

const EnvFields = z.object({
  ...SecurityFields,
  ...operatingFields,
  XERO_CLIENT_ID: z.string({ message: 'XERO_CLIENT_ID is required' }).min(1, 'XERO_CLIENT_ID is required'),
  XERO_CLIENT_SECRET: z
    .string({ message: 'XERO_CLIENT_SECRET is required' })
    .min(1, 'XERO_CLIENT_SECRET is required'),
  XERO_IDENTITY_URL: url('XERO_IDENTITY_URL').default('https://identity.xero.com'),
  XERO_API_URL: url('XERO_API_URL').default('https://api.xero.com'),
  XERO_SCOPES: z
    .string()
    .default('offline_access accounting.settings accounting.invoices accounting.contacts'),
  PUBLIC_URL: url('PUBLIC_URL'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Schema inside DATABASE_URL's database; lets several relays or test runs share one server. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'DATABASE_SCHEMA must be a lower-case SQL identifier')
    .default('public'),
  RELAY_DATA_DIR: z.string().default('.data/relay'),
  TOKEN_KEYS: tokenKeys,
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Extra return-URL patterns (comma-separated URL prefixes), e.g. for tests on http://127.0.0.1. */
  RETURN_URL_PREFIXES: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  /** Extra CORS origins (comma-separated) beyond chrome-extension:// and moz-extension://. */
  CORS_EXTRA_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(256)
    .default(16 * 1024),
  /** Invoice jobs carry up to 500 invoices, far more than other requests. */
  INVOICE_JOB_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  /** Xero's web app, for links to posted invoices. */
  XERO_WEB_URL: url('XERO_WEB_URL').default('https://go.xero.com'),
  /** Status invoices are created with. DRAFT lets the bookkeeper review before approving. */
  INVOICE_STATUS: z.enum(['DRAFT', 'AUTHORISED']).default('DRAFT'),
  /** How long a claimed batch belongs to one instance before another may take it over. */
  INVOICE_LEASE_SECONDS: z.coerce.number().int().min(15).max(3600).default(60),
  NODE_ENV: z.string().optional(),
});

const EnvSchema = EnvFields.superRefine((env, ctx) => {
  if (env.NODE_ENV === 'production' && !env.PUBLIC_URL.startsWith('https://')) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message: 'PUBLIC_URL must be an https:// URL with NODE_ENV=production (terminate TLS at the proxy)',
    });
  }
});

export type RelayConfig = z.output<typeof EnvSchema>;

/** PGlite is one process and has no separate deploy step: it migrates at start unless told not to. */
export const shouldMigrateOnStart = (c: Pick<RelayConfig, 'MIGRATE_ON_START' | 'DATABASE_URL'>) =>
  c.MIGRATE_ON_START === undefined ? !c.DATABASE_URL : c.MIGRATE_ON_START === '1';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const StoreEnvSchema = EnvFields.pick({
  DATABASE_URL: true,
  DATABASE_SCHEMA: true,
  RELAY_DATA_DIR: true,
  TOKEN_KEYS: true,
});
export type StoreConfig = z.output<typeof StoreEnvSchema>;

export function parseEnv(env: Record<string, string | undefined>): RelayConfig {
  return parseWith(EnvSchema, env);
}

const MigrateEnvSchema = EnvFields.pick({ DATABASE_URL: true, DATABASE_SCHEMA: true, RELAY_DATA_DIR: true });

/** Only where the store is (for `relay:migrate`). */
export function parseMigrateEnv(env: Record<string, string | undefined>): z.output<typeof MigrateEnvSchema> {
  return parseWith(MigrateEnvSchema, env);
}

/** Only what the store and vault need (for `relay:rekey`). */
export function parseStoreEnv(env: Record<string, string | undefined>): StoreConfig {
  return parseWith(StoreEnvSchema, env);
}

function parseWith<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || 'env'}: ${i.message}`);
    throw new ConfigError(`The relay cannot start; fix its environment:\n${lines.join('\n')}`);
  }
  return result.data;
}
