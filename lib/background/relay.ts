/**
 * The relay client as the background uses it: one install key per browser profile
 * (non-extractable, in IndexedDB), registered with the relay once per relay address.
 */
import { loadOrCreateInstallKey } from '../install-key';
import { createRelayClient } from '../relay-client';
import type { RelayBooksPort, RelayJobsPort, RelayPort } from './relay-port';

export type FullRelayPort = RelayPort & RelayJobsPort & RelayBooksPort;

export function createRelayPort(relayUrl: () => Promise<string>): () => Promise<FullRelayPort> {
  let cached: { url: string; client: Promise<FullRelayPort> } | undefined;
  return async () => {
    const url = await relayUrl();
    if (cached?.url !== url) {
      const client = (async () => {
        const key = await loadOrCreateInstallKey();
        const relayClient = createRelayClient({ baseUrl: url, key });
        await relayClient.register();
        return relayClient;
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
