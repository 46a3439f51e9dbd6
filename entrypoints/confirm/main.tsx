import { render } from 'preact';
import '@/components/styles.css';
import { loadLocale } from '@/lib/i18n-load';
import { Confirm, keysFromHash } from './Confirm';

// The seller's language choice is read before the first paint, so no text changes under them.
void loadLocale().then(() =>
  render(<Confirm settlementKeys={keysFromHash(window.location.hash)} />, document.getElementById('app')!),
);
