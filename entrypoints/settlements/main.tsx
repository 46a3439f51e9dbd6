import { render } from 'preact';
import '@/components/styles.css';
import { Settlements } from './Settlements';

render(<Settlements />, document.getElementById('app')!);
