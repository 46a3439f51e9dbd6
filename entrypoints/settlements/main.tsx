import { render } from 'preact';
import '@/components/styles.css';
import { loadLocale } from '@/lib/i18n-load';
import { readSettlementsSnapshot } from '@/lib/settlements-snapshot';
import { Settlements } from './Settlements';

// The last known first screen is read synchronously, so the first render already has it to
// draw; the seller's language choice is read before that first paint, so no text changes
// under them.
const snapshot = readSettlementsSnapshot(localStorage);
void loadLocale().then(() =>
  render(<Settlements snapshot={snapshot} snapshotStorage={localStorage} />, document.getElementById('app')!),
);
