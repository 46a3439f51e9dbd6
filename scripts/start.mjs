// `npm start`: installs what is missing, builds the extension for Chrome and Firefox, tells
// you how to load it, then runs the relay (and xero-sim when no Xero credentials are set)
// until Ctrl-C.
import { join } from 'node:path';
import { ensureNodeModules, root, run } from './lib/ensure.mjs';

ensureNodeModules();
for (const args of [
  ['wxt', 'build'],
  ['wxt', 'build', '-b', 'firefox'],
]) {
  if (run('npx', args) !== 0) {
    console.error('settlebridge: the extension build failed; see the output above.');
    process.exit(1);
  }
}

const chrome = join(root, '.output', 'chrome-mv3');
const firefox = join(root, '.output', 'firefox-mv2', 'manifest.json');
console.log(`
Settlebridge is built.

  Chrome / Chromium / Edge: open chrome://extensions, turn on "Developer mode",
    click "Load unpacked" and choose
      ${chrome}

  Firefox: open about:debugging#/runtime/this-firefox, click "Load Temporary Add-on…"
    and choose
      ${firefox}

Then pin Settlebridge to the toolbar and open it to create your first account.
The extension talks to the relay at http://127.0.0.1:8787 by default (Settings → Relay).
`);

if (process.env.SETTLEBRIDGE_BUILD_ONLY === '1') process.exit(0);
process.exit(run('npx', ['tsx', 'scripts/stack.ts']));
