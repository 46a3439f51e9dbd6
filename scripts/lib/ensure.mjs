// Installs what `npm start` and `npm test` need on a fresh clone, or says exactly what is
// missing. Plain Node with no dependencies, because it runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const say = (msg) => console.log(`settlebridge: ${msg}`);

export function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** `npm ci` when node_modules is missing or older than the lockfile. */
export function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing packages (npm ci)…');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) {
    throw new Error('npm ci failed; see the output above.');
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
let aptUpdated = false;

function aptInstall(pkg) {
  if (!isRoot()) return false;
  say(`installing Debian package ${pkg} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  return run('apt-get', ['install', '-y', '-qq', pkg], { env }) === 0;
}

const BROWSERS = {
  chromium: { env: 'CHROME_PATH', path: '/usr/bin/chromium', pkg: 'chromium' },
  firefox: { env: 'FIREFOX_PATH', path: '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
  // The X server the `npm start` end-to-end test opens Chromium on.
  xvfb: { env: 'XVFB_PATH', path: '/usr/bin/Xvfb', pkg: 'xvfb' },
};

/** Returns the program's executable path (a browser, or Xvfb), installing the Debian package when allowed. */
export function ensureBrowser(name) {
  const b = BROWSERS[name];
  const configured = process.env[b.env];
  if (configured) {
    if (existsSync(configured)) return configured;
    throw new Error(`${b.env}=${configured} does not exist. Point it at a ${name} executable.`);
  }
  if (existsSync(b.path)) return b.path;
  if (aptInstall(b.pkg) && existsSync(b.path)) return b.path;
  throw new Error(
    `${name} is not installed. Install the Debian package "${b.pkg}" (apt-get install ${b.pkg}) ` +
      `or set ${b.env} to a ${name} executable.`,
  );
}
