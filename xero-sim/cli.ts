/**
 * `npm run sim -- [flags]`: serves the sim until Ctrl-C. Flags win over env vars.
 *   --port / SIM_PORT (default 8788)            --host / SIM_HOST (default 127.0.0.1)
 *   --controls / SIM_CONTROLS=1                  --seed <file.json> / SIM_SEED
 *   --redirect-uri <uri> (repeat) / SIM_REDIRECT_URIS (comma-separated)
 *   --any-localhost / SIM_ALLOW_ANY_LOCALHOST=1  --client-id / SIM_CLIENT_ID
 *   --client-secret / SIM_CLIENT_SECRET          --refresh-grace-ms / SIM_REFRESH_GRACE_MS
 *   --public-url / SIM_PUBLIC_URL                --latency-ms / SIM_LATENCY_MS
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultSeed, parseSeedFile } from './seed.ts';
import { startSim } from './start.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    controls: { type: 'boolean' },
    seed: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'any-localhost': { type: 'boolean' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'refresh-grace-ms': { type: 'string' },
    'public-url': { type: 'string' },
    'latency-ms': { type: 'string' },
  },
});
const env = process.env;
const isOn = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes'].includes(v.toLowerCase());

const seed = defaultSeed();
const seedPath = values.seed ?? env.SIM_SEED;
if (seedPath) seed.organisations = parseSeedFile(JSON.parse(readFileSync(seedPath, 'utf8')));
const client = seed.clients[0];
if (client) {
  client.clientId = values['client-id'] ?? env.SIM_CLIENT_ID ?? client.clientId;
  client.clientSecret = values['client-secret'] ?? env.SIM_CLIENT_SECRET ?? client.clientSecret;
}
const redirectUris =
  values['redirect-uri'] ??
  env.SIM_REDIRECT_URIS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const grace = values['refresh-grace-ms'] ?? env.SIM_REFRESH_GRACE_MS;

const sim = await startSim({
  port: Number(values.port ?? env.SIM_PORT ?? 8788),
  host: values.host ?? env.SIM_HOST ?? '127.0.0.1',
  seed,
  redirectUris,
  allowAnyLocalhostRedirect: values['any-localhost'] || isOn(env.SIM_ALLOW_ANY_LOCALHOST) || undefined,
  isControlsEnabled: values.controls || isOn(env.SIM_CONTROLS),
  publicUrl: values['public-url'] ?? env.SIM_PUBLIC_URL,
  refreshGraceMs: grace === undefined ? undefined : Number(grace),
});
const latency = Number(values['latency-ms'] ?? env.SIM_LATENCY_MS ?? 0);
if (latency > 0) sim.state.latencyMs = latency;

const c = sim.state.clients.values().next().value;
console.log(`xero-sim listening on ${sim.url}`);
console.log(`  discovery  ${sim.url}/.well-known/openid-configuration`);
console.log(`  api        ${sim.url}/api.xro/2.0   connections ${sim.url}/connections`);
console.log(
  `  controls   ${sim.state.config.isControlsEnabled ? `${sim.url}/__sim` : 'off (--controls to enable)'}`,
);
if (c) {
  console.log(`  client_id  ${c.clientId}`);
  console.log(`  secret     ${c.clientSecret}`);
  console.log(
    `  redirects  ${c.redirectUris.join(', ')}${c.allowAnyLocalhostRedirect ? ' + any localhost' : ''}`,
  );
}
for (const org of sim.state.orgs.values())
  console.log(`  tenant     ${org.tenantId}  ${org.seed.Name} (${org.seed.BaseCurrency})`);

const shutdown = () => {
  sim.stop().finally(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
