// `npm start` on a desktop: under a real X server (Xvfb) it must open Chromium with the
// extension loaded, the popup page open and the relay address preset (or Firefox with the
// add-on installed, with --firefox); closing the browser leaves the relay up; Ctrl-C stops
// everything. With --no-browser or no display it prints how to load the extension by hand.
// Runs `npm start -- --no-build` (the build this e2e run already made) with its own ports,
// data folder and token key.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { GECKO_ID } from '../../lib/extension-ids';
import { ROOT } from './harness';

/** The one `chrome.*` call this test makes from the popup page. */
type ChromeGlobal = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };

interface Started {
  child: ChildProcess;
  output: () => string;
  /** npm itself ends by the signal; what matters is that everything below it stopped. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanups.splice(0).reverse()) fn();
});

function started(child: ChildProcess): Started {
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk;
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 180_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in time:\n${output}`)), timeoutMs);
        const check = () => {
          const m = output.match(pattern);
          if (!m) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(m);
        };
        waiters.add(check);
        check();
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`exited before ${pattern}:\n${output}`));
        });
      }),
  };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

const xvfbPath = () =>
  process.env.XVFB_PATH ??
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'Xvfb'))
    .find((file) => existsSync(file)) ??
  '/usr/bin/Xvfb';

/** A private X display for this test: Xvfb picks a free display number and reports it. */
async function startXvfb(): Promise<string> {
  const xvfb = spawn(xvfbPath(), ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => xvfb.kill('SIGTERM'));
  const display = await new Promise<string>((resolve, reject) => {
    let err = '';
    xvfb.stderr!.on('data', (c) => {
      err += c;
    });
    xvfb.stdio[3]!.on('data', (c: Buffer) => resolve(`:${c.toString().trim()}`));
    xvfb.once('error', (e) => reject(new Error(`Xvfb (${xvfbPath()}) could not start: ${e.message}`)));
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${err}`)));
  });
  return display;
}

// The relay address npm start presets is PUBLIC_URL when set; the test wants its own port.
const withoutPublicUrl = ({ PUBLIC_URL: _, ...rest }: NodeJS.ProcessEnv) => rest;

/**
 * `npm start` in its own process group, as a terminal would run it (Ctrl-C = SIGINT to the
 * group). A variable set to undefined in `env` is left out of its environment.
 */
function npmStart(args: string[], env: Record<string, string | undefined>): Started {
  const child = spawn('npm', ['start', '--', '--no-build', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...withoutPublicUrl(process.env), ...env },
  });
  cleanups.push(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return started(child);
}

/** A process's arguments, or none when it is gone. */
const argsOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
};

/**
 * The add-ons a running Firefox reports over its remote debugging protocol (length-prefixed
 * JSON packets; the root actor answers `listAddons`).
 */
async function firefoxAddons(port: number): Promise<{ id: string; temporarilyInstalled?: boolean }[]> {
  const socket = connect({ host: '127.0.0.1', port });
  try {
    let buffer = Buffer.alloc(0);
    const packets: Record<string, unknown>[] = [];
    let wake = () => {};
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const colon = buffer.indexOf(':');
        if (colon < 0) break;
        const length = Number(buffer.subarray(0, colon).toString());
        if (buffer.length < colon + 1 + length) break;
        packets.push(JSON.parse(buffer.subarray(colon + 1, colon + 1 + length).toString()));
        buffer = buffer.subarray(colon + 1 + length);
      }
      wake();
    });
    const next = async () => {
      const deadline = Date.now() + 10_000;
      while (packets.length === 0) {
        if (Date.now() > deadline) throw new Error('Firefox did not answer on its debugger port');
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 200);
        });
      }
      return packets.shift()!;
    };
    await next(); // the root actor's greeting
    const request = JSON.stringify({ to: 'root', type: 'listAddons' });
    socket.write(`${Buffer.byteLength(request)}:${request}`);
    for (;;) {
      const packet = await next();
      if (packet.from === 'root' && 'addons' in packet) {
        return packet.addons as { id: string; temporarilyInstalled?: boolean }[];
      }
      if (packet.from === 'root' && 'error' in packet) throw new Error(JSON.stringify(packet));
    }
  } finally {
    socket.destroy();
  }
}

/** Every process below `pid`, read from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

const answers = async (url: string) => {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
};

async function stackEnv() {
  const relayPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'settlebridge-start-test-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return {
    relayUrl: `http://127.0.0.1:${relayPort}`,
    env: {
      RELAY_PORT: String(relayPort),
      SIM_PORT: String(await freePort()),
      RELAY_DATA_DIR: dataDir,
      TOKEN_KEYS: `t1:${Buffer.alloc(32, 7).toString('base64')}`,
    },
  };
}

describe('npm start', () => {
  it('opens Chromium with the extension, its popup page and the local relay preset; the relay outlives the browser; Ctrl-C stops everything', async () => {
    const display = await startXvfb();
    const { relayUrl, env } = await stackEnv();
    const run = npmStart([], {
      ...env,
      DISPLAY: display,
      CHROME_PATH: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    });
    const [, profile, devtools] = (await run.waitFor(
      /temporary profile: (\S+)\n\s*DevTools: (ws:\S+)/,
    )) as unknown as [string, string, string];

    const browser = await puppeteer.connect({ browserWSEndpoint: devtools });
    const popup = (await browser.pages()).find((p) =>
      /^chrome-extension:\/\/[a-p]{32}\/popup\.html$/.test(p.url()),
    );
    expect(popup, `pages open: ${(await browser.pages()).map((p) => p.url())}`).toBeDefined();
    const extensionId = new URL(popup!.url()).host;
    await popup!.waitForSelector('[data-testid="accounts"], [data-testid="accounts-empty"]');

    // Asking the background for the settings also wakes its service worker if it was idle.
    const settings = await popup!.evaluate(() =>
      (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage({ type: 'settings/get', input: {} }),
    );
    // Stored, so the settings page shows it as chosen rather than as a default nobody chose.
    expect(settings).toMatchObject({ ok: true, value: { relayUrl, isDefault: false } });
    const worker = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url() === `chrome-extension://${extensionId}/background.js`,
      { timeout: 30_000 },
    );
    expect(worker).toBeDefined();

    // Everything npm start runs, seen now, so we can check it is all gone at the end.
    const tree = descendants(run.child.pid!);
    const browserPids = tree.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile);
      } catch {
        return false;
      }
    });
    expect(browserPids.length).toBeGreaterThan(0);

    // The user closes the browser: the relay keeps serving.
    await browser.close();
    await run.waitFor(/The browser was closed; the relay keeps running/);
    expect(browserPids.filter(isAlive)).toEqual([]);
    expect(existsSync(profile)).toBe(false);
    expect(await answers(`${relayUrl}/healthz`)).toBe(true);

    // Ctrl-C in the terminal.
    process.kill(-run.child.pid!, 'SIGINT');
    const end = await run.exited;
    expect(end.code === 130 || end.signal === 'SIGINT', JSON.stringify(end)).toBe(true);
    expect(run.output()).toContain('SIGINT received, stopping');
    await expect.poll(() => tree.filter(isAlive), { timeout: 20_000 }).toEqual([]);
    expect(await answers(`${relayUrl}/healthz`)).toBe(false);
  }, 300_000);

  it('with --no-browser opens none, prints how to load the extension, and stops on SIGTERM', async () => {
    const display = await startXvfb();
    const { relayUrl, env } = await stackEnv();
    const run = npmStart(['--no-browser'], { ...env, DISPLAY: display });
    await run.waitFor(/Load Settlebridge into your browser by hand:[\s\S]*Load unpacked/);
    await run.waitFor(/Settlebridge is ready/);
    expect(await answers(`${relayUrl}/healthz`)).toBe(true);
    const tree = descendants(run.child.pid!);
    const commands = tree.map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    });
    expect(commands.filter((c) => /chrom/i.test(c))).toEqual([]);

    // As a service manager stops it: SIGTERM to the whole process group.
    process.kill(-run.child.pid!, 'SIGTERM');
    const end = await run.exited;
    expect(end.code === 143 || end.signal === 'SIGTERM', JSON.stringify(end)).toBe(true);
    expect(run.output()).toContain('SIGTERM received, stopping');
    await expect.poll(() => tree.filter(isAlive), { timeout: 20_000 }).toEqual([]);
  }, 180_000);

  it('with no display opens no browser, says why, and prints how to load the extension', async () => {
    const { relayUrl, env } = await stackEnv();
    const run = npmStart([], { ...env, DISPLAY: undefined, WAYLAND_DISPLAY: undefined });
    await run.waitFor(/no display here \(DISPLAY is not set\), so no browser is opened/);
    await run.waitFor(/Load Settlebridge into your browser by hand:[\s\S]*Load unpacked/);
    await run.waitFor(/Settlebridge is ready/);
    expect(await answers(`${relayUrl}/healthz`)).toBe(true);
    const tree = descendants(run.child.pid!);
    expect(tree.map((pid) => argsOf(pid).join(' ')).filter((c) => /chrom|firefox/i.test(c))).toEqual([]);

    process.kill(-run.child.pid!, 'SIGTERM');
    const end = await run.exited;
    expect(end.code === 143 || end.signal === 'SIGTERM', JSON.stringify(end)).toBe(true);
    await expect.poll(() => tree.filter(isAlive), { timeout: 20_000 }).toEqual([]);
  }, 180_000);

  it('with --firefox opens Firefox with the add-on installed; the relay outlives the browser; Ctrl-C stops everything', async () => {
    const display = await startXvfb();
    const { relayUrl, env } = await stackEnv();
    const run = npmStart(['--firefox'], {
      ...env,
      DISPLAY: display,
      FIREFOX_PATH: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    });
    await run.waitFor(/Firefox is open with Settlebridge loaded as a temporary add-on/);
    // Not the extension's default relay address, so npm start says where to point it.
    await run.waitFor(new RegExp(`set the relay address to ${relayUrl.replace(/[.]/g, '\\.')}\\.`), 10_000);

    // Firefox's main process, with the debugger port web-ext's runner installed the add-on through.
    const tree = descendants(run.child.pid!);
    const main = tree.find(
      (pid) => argsOf(pid).includes('-start-debugger-server') && !argsOf(pid).includes('-contentproc'),
    );
    expect(main, tree.map((pid) => argsOf(pid).join(' ')).join('\n')).toBeDefined();
    const args = argsOf(main!);
    const port = Number(args[args.indexOf('-start-debugger-server') + 1]);
    // Asked of Firefox itself: its add-on list holds Settlebridge, installed temporarily.
    const addons = await firefoxAddons(port);
    expect(
      addons.find((a) => a.id === GECKO_ID),
      JSON.stringify(addons.map((a) => a.id)),
    ).toMatchObject({
      id: GECKO_ID,
      temporarilyInstalled: true,
    });

    // The user closes the browser: the relay keeps serving.
    process.kill(main!, 'SIGTERM');
    await run.waitFor(/The browser was closed; the relay keeps running/, 60_000);
    expect(await answers(`${relayUrl}/healthz`)).toBe(true);

    process.kill(-run.child.pid!, 'SIGINT');
    const end = await run.exited;
    expect(end.code === 130 || end.signal === 'SIGINT', JSON.stringify(end)).toBe(true);
    await expect.poll(() => tree.filter(isAlive), { timeout: 20_000 }).toEqual([]);
    expect(await answers(`${relayUrl}/healthz`)).toBe(false);
  }, 300_000);
});
