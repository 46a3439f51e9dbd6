import { t } from '@/lib/i18n';
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
        ? t('relay.defaultLocal', { url: settings.relayUrl })
        : t('relay.defaultHosted', { url: settings.relayUrl })}
    </p>
  );
}
