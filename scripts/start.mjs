// `npm start`: installs what is missing, builds the extension for Chrome and Firefox, runs
// the relay (and xero-sim when no Xero credentials are set), then opens Chromium with the
// extension loaded, its popup page open and the relay address preset. Closing the browser
// leaves the relay running until Ctrl-C.
//
//   npm start -- --firefox      Firefox instead of Chromium (web-ext's runner)
//   npm start -- --no-browser   no browser: print how to load the extension by hand
//   npm start -- --no-build     use the builds already in .output/
//
// With no display (no DISPLAY / WAYLAND_DISPLAY on Linux) it prints the instructions too.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findChromium, hasDisplay, openChromium, openFirefox } from './lib/browser.mjs';
import { exitAfterStopping, isStopping, onStop, startChild, stopOnSignals } from './lib/children.mjs';
import { ensureBrowser, ensureNodeModules, root, run } from './lib/ensure.mjs';

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      firefox: { type: 'boolean', default: false },
      'no-browser': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(
    `settlebridge: ${error.message}\nusage: npm start -- [--firefox] [--no-browser] [--no-build]`,
  );
  process.exit(64);
}

ensureNodeModules();
if (!options['no-build']) {
  for (const args of [
    ['wxt', 'build'],
    ['wxt', 'build', '-b', 'firefox'],
  ]) {
    if (run('npx', args) !== 0) {
      console.error('settlebridge: the extension build failed; see the output above.');
      process.exit(1);
    }
  }
}

const chromeBuild = join(root, '.output', 'chrome-mv3');
const firefoxBuild = join(root, '.output', 'firefox-mv2');
const relayPort = Number(process.env.RELAY_PORT ?? 8787);
const relayUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${relayPort}`;

const printInstructions = () =>
  console.log(`
Load Settlebridge into your browser by hand:

  Chrome / Chromium / Edge: open chrome://extensions, turn on "Developer mode",
    click "Load unpacked" and choose
      ${chromeBuild}

  Firefox: open about:debugging#/runtime/this-firefox, click "Load Temporary Add-on…"
    and choose
      ${join(firefoxBuild, 'manifest.json')}

Then pin Settlebridge to the toolbar and open it to create your first account.
The extension talks to the relay at http://127.0.0.1:8787 by default (Settings → Relay);
this relay is at ${relayUrl}.
`);

const wantsBrowser = !options['no-browser'] && hasDisplay();
if (process.env.SETTLEBRIDGE_BUILD_ONLY === '1') {
  console.log('\nSettlebridge is built.');
  printInstructions();
  process.exit(0);
}

stopOnSignals();
const stack = startChild(process.execPath, ['--import', 'tsx', join('scripts', 'stack.ts')]);
const stackExited = new Promise((resolve) => stack.once('exit', (code) => resolve(code ?? 1)));
onStop(async () => {
  if (stack.exitCode === null && stack.signalCode === null) stack.kill('SIGTERM');
  await stackExited;
});
// The relay is what `npm start` is for: when it stops, everything stops.
void stackExited.then((code) => {
  if (!isStopping()) void exitAfterStopping(code);
});

if (!wantsBrowser) {
  if (!options['no-browser'])
    console.log('\nsettlebridge: no display here (DISPLAY is not set), so no browser is opened.');
  printInstructions();
} else {
  try {
    await relayReady();
    await openBrowser();
  } catch (error) {
    console.error(
      `\nsettlebridge: could not open the browser: ${error instanceof Error ? error.message : error}`,
    );
    printInstructions();
  }
}

/** Resolves once the relay answers /healthz; rejects if the stack exits first. */
async function relayReady() {
  let exited = false;
  void stackExited.then(() => {
    exited = true;
  });
  while (!exited) {
    try {
      const res = await fetch(`http://127.0.0.1:${relayPort}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the relay stopped before it was ready');
}

async function openBrowser() {
  if (options.firefox) {
    const firefox = await openFirefox({ executable: ensureBrowser('firefox'), extensionPath: firefoxBuild });
    onStop(firefox.close);
    console.log(
      '\nFirefox is open with Settlebridge loaded as a temporary add-on: open it from the ' +
        'toolbar (the puzzle-piece menu, then pin it).',
    );
    if (relayUrl !== 'http://127.0.0.1:8787') {
      console.log(`In Settlebridge's Settings → Relay, set the relay address to ${relayUrl}.`);
    }
    void firefox.exited.then(browserClosed);
    return;
  }
  const chromium = await openChromium({ executable: findChromium(), extensionPath: chromeBuild, relayUrl });
  onStop(chromium.close);
  console.log(
    `\nChromium is open with Settlebridge loaded (relay address set to ${relayUrl}).\n` +
      `  temporary profile: ${chromium.profile}\n  DevTools: ${chromium.devtools}`,
  );
  void chromium.exited.then(async () => {
    await chromium.close(); // removes the temporary profile
    browserClosed();
  });
}

function browserClosed() {
  if (isStopping()) return;
  console.log('\nThe browser was closed; the relay keeps running. Press Ctrl-C to stop.');
}
