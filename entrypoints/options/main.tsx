import { render } from 'preact';
import '@/components/styles.css';
import { loadLocale } from '@/lib/i18n-load';
import { Options } from './Options';

// The seller's language choice is read before the first paint, so no text changes under them.
void loadLocale(localStorage).then(() => render(<Options />, document.getElementById('app')!));
