// Opens a browser with the built extension for `npm start`: a temporary profile, the
// extension loaded, its popup page open and its relay address set to the local relay.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ensureBrowser } from './ensure.mjs';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Whether a browser window can be shown here: an X or Wayland display on Linux, always elsewhere. */
export function hasDisplay(env = process.env) {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find((file) => existsSync(file));

/** CHROME_PATH, else Chromium or Chrome where they usually are, else Debian's chromium (installed when root). */
export function findChromium() {
  if (process.env.CHROME_PATH) return ensureBrowser('chromium');
  const found =
    process.platform === 'darwin'
      ? [
          '/Applications/Chromium.app/Contents/MacOS/Chromium',
          '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        ].find((file) => existsSync(file))
      : ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].map(onPath).find(Boolean);
  return found ?? ensureBrowser('chromium');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves with `read()`'s first truthy value; rejects when `child` exits first or time runs out. */
async function waitFor(what, read, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the browser exited (${child.exitCode ?? child.signalCode}) before ${what}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Ends `child` (SIGTERM, then SIGKILL after 10 s) and removes `profile`. */
async function closeChild(child, profile) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(late);
  }
  if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Starts Chromium with `extensionPath` loaded in a temporary profile, opens the popup page
 * and stores `relayUrl` through the extension's own `settings/set` message (the Settings
 * page's path, so the same validation applies). DevTools listens on a loopback port chosen
 * by the browser; its address is returned so tools (and our test) can attach.
 */
export async function openChromium({ executable, extensionPath, relayUrl }) {
  const profile = mkdtempSync(join(tmpdir(), 'settlebridge-chromium-'));
  const child = spawn(
    executable,
    [
      `--user-data-dir=${profile}`,
      `--load-extension=${extensionPath}`,
      // Branded Chrome 137+ ignores --load-extension unless this feature is off.
      '--disable-features=DisableLoadExtensionCommandLineSwitch',
      '--remote-debugging-port=0',
      '--no-first-run',
      '--no-default-browser-check',
      // Chromium's sandbox refuses to start as root.
      ...(isRoot() ? ['--no-sandbox'] : []),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const portFile = join(profile, 'DevToolsActivePort');
    const [port, path] = await waitFor(
      'DevTools to listen',
      () => {
        const lines = existsSync(portFile) ? readFileSync(portFile, 'utf8').split('\n') : [];
        return lines[1] ? lines : undefined;
      },
      child,
      30_000,
    );
    const devtools = `ws://127.0.0.1:${port}${path}`;
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.connect({ browserWSEndpoint: devtools, defaultViewport: null });
    try {
      const worker = await browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
        { timeout: 30_000 },
      );
      const extensionId = new URL(worker.url()).host;
      const [first] = await browser.pages();
      const page = first ?? (await browser.newPage());
      await page.goto(`chrome-extension://${extensionId}/popup.html`);
      const reply = await page.evaluate(
        (url) => chrome.runtime.sendMessage({ type: 'settings/set', input: { relayUrl: url } }),
        relayUrl,
      );
      if (!reply?.ok) {
        throw new Error(
          `the extension refused the relay address ${relayUrl}: ${reply?.error?.message ?? reply}`,
        );
      }
      // The popup reads the relay address when it loads: show it with the new one.
      await page.reload();
      return {
        pid: child.pid,
        profile,
        devtools,
        extensionId,
        exited,
        close: () => closeChild(child, profile),
      };
    } finally {
      await browser.disconnect();
    }
  } catch (error) {
    await closeChild(child, profile);
    throw error;
  }
}

/**
 * Starts Firefox through web-ext's runner (the one WXT's dev mode uses) with the extension
 * installed as a temporary add-on in a temporary profile. The popup is not opened for you:
 * the runner installs the add-on only after Firefox is up, so a moz-extension:// start page
 * stays blank (tried, with and without pre-installing).
 */
export async function openFirefox({ executable, extensionPath }) {
  const { default: webExt } = await import('web-ext-run');
  const runner = await webExt.cmd.run(
    {
      target: 'firefox-desktop',
      firefox: executable,
      sourceDir: extensionPath,
      noReload: true,
      noInput: true,
    },
    { shouldExitProgram: false },
  );
  const exited = new Promise((resolve) => runner.registerCleanup(resolve));
  return { exited, close: () => runner.exit() };
}
