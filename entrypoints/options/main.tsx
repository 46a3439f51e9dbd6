import { render } from 'preact';
import '@/components/styles.css';
import { Options } from './Options';

render(<Options />, document.getElementById('app')!);
