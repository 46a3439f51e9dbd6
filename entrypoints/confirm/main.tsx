import { render } from 'preact';
import '@/components/styles.css';
import { Confirm, keysFromHash } from './Confirm';

render(<Confirm settlementKeys={keysFromHash(window.location.hash)} />, document.getElementById('app')!);
