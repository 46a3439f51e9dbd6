import { render } from 'preact';
import '@/components/styles.css';
import { readPopupSnapshot } from '@/lib/popup-snapshot';
import { Popup } from './Popup';

// Read synchronously, so the first render already has the last known list to draw.
render(
  <Popup snapshot={readPopupSnapshot(localStorage)} snapshotStorage={localStorage} />,
  document.getElementById('app')!,
);
