import { render } from 'preact';
import '@/components/styles.css';
import { loadLocale } from '@/lib/i18n-load';
import { readPopupSnapshot } from '@/lib/popup-snapshot';
import { Popup } from './Popup';

// The last known list is read synchronously, so the first render already has it to draw; the
// seller's language choice is read before that first paint, so no text changes under them.
const snapshot = readPopupSnapshot(localStorage);
void loadLocale().then(() =>
  render(<Popup snapshot={snapshot} snapshotStorage={localStorage} />, document.getElementById('app')!),
);
