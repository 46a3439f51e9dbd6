import { render } from 'preact';
import '@/components/styles.css';
import { readSettlementsSnapshot } from '@/lib/settlements-snapshot';
import { Settlements } from './Settlements';

// Read synchronously, so the first render already has the last known first screen to draw.
render(
  <Settlements snapshot={readSettlementsSnapshot(localStorage)} snapshotStorage={localStorage} />,
  document.getElementById('app')!,
);
