/**
 * The relay client as the background uses it: one install key per browser profile
 * (non-extractable, in IndexedDB), registered with the relay once per relay address, and
 * registered again, transparently, when the relay no longer knows it (its retention prunes
 * installs that hold nothing after a while; see relay/README.md, "Retention").
 */
import type { InstallKey } from '../install-key';
import { createRelayClient, type RelayClient, RelayError } from '../relay-client';
import type { RelayBooksPort, RelayJobsPort, RelayPort } from './relay-port';

export type FullRelayPort = RelayPort & RelayJobsPort & RelayBooksPort;

export interface RelayPortDeps {
  /** The relay address the settings name now. */
  relayUrl: () => Promise<string>;
  /** This profile's install key (lib/install-key.ts: loadOrCreateInstallKey). */
  loadKey: () => Promise<InstallKey>;
}

export function createRelayPort({ relayUrl, loadKey }: RelayPortDeps): () => Promise<FullRelayPort> {
  let cached: { url: string; client: Promise<FullRelayPort> } | undefined;
  return async () => {
    const url = await relayUrl();
    if (cached?.url !== url) {
      const client = (async () => {
        const relayClient = createRelayClient({ baseUrl: url, key: await loadKey() });
        await relayClient.register();
        return reRegistering(relayClient);
      })();
      cached = { url, client };
      // A failed registration (relay down) must not stick: the next call tries again.
      client.catch(() => {
        if (cached?.client === client) cached = undefined;
      });
    }
    return cached.client;
  };
}

/**
 * Every call answered `unknown_install` registers the install again and is retried once. The
 * key is the same, so the relay sees the same install id; what it pruned held no connection.
 */
function reRegistering(client: RelayClient): RelayClient {
  const wrapped: Record<string, unknown> = { ...client };
  for (const [name, value] of Object.entries(client)) {
    if (typeof value !== 'function' || name === 'register') continue;
    const fn = value as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        if (!(e instanceof RelayError && e.code === 'unknown_install')) throw e;
        await client.register();
        return fn(...args);
      }
    };
  }
  return wrapped as RelayClient;
}
