import { render } from 'preact';
import '@/components/styles.css';
import { getLocale } from '@/lib/i18n';
import { applyCopiedLocale, loadLocale } from '@/lib/i18n-load';
import { readPopupSnapshot } from '@/lib/popup-snapshot';
import { Popup } from './Popup';

// The last known list is read synchronously, so the first render already has it to draw; the
// seller's language choice is read before that first paint, so no text changes under them:
// from its copy in localStorage when there is one (lib/i18n-load.ts), else from storage.
const snapshot = readPopupSnapshot(localStorage);
const mount = () =>
  render(<Popup snapshot={snapshot} snapshotStorage={localStorage} />, document.getElementById('app')!);
if (applyCopiedLocale(localStorage)) {
  const shown = getLocale();
  mount();
  // The copy can only lag storage if the choice changed outside the extension's pages.
  void loadLocale(localStorage).then((locale) => locale !== shown && mount());
} else {
  void loadLocale(localStorage).then(mount);
}
