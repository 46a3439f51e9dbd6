import type { SettingsView } from '@/lib/settings';

/**
 * Says which relay Settlebridge uses until the seller chooses one, so a default is never
 * used silently: the local development relay in a build without RELAY_URL, or the hosted
 * relay the build names.
 */
export function RelayDefaultNotice({ settings }: { settings: SettingsView | null }) {
  if (!settings?.isDefault) return null;
  return (
    <p class="notice notice--warning" role="status" data-testid="relay-default">
      {settings.isLocalBuild
        ? `This is a development build: it sends to the local relay at ${settings.relayUrl} until you set a relay address in Connections and settings.`
        : `Settlebridge sends to the relay at ${settings.relayUrl}. You can change it in Connections and settings.`}
    </p>
  );
}
