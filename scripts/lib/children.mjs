// Child processes for `npm test` and `npm start`, and what to stop when they end: on normal
// exit, on failure, and on Ctrl-C / SIGTERM / SIGHUP (the signal is passed on to the running
// children, the cleanups run once they exit, then the process exits with 128 + the signal's
// number).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { root } from './ensure.mjs';

const cleanups = [];
const running = new Set();
let stopping;
let signalled = false;

/** `fn` runs once when the script stops, newest first. */
export function onStop(fn) {
  cleanups.push(fn);
}

/** Runs every cleanup (each at most once); errors are reported, not thrown. */
export function stopAll() {
  stopping ??= (async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(fn)
        .catch((e) => console.error(`settlebridge: while stopping: ${e instanceof Error ? e.message : e}`));
    }
  })();
  return stopping;
}

/** True once the script has begun to stop (a signal, or exitAfterStopping). */
export const isStopping = () => signalled || stopping !== undefined;

/** Stops everything and exits with `code`. */
export async function exitAfterStopping(code) {
  await stopAll();
  process.exit(code);
}

/** Starts `cmd` in the repository with the terminal attached; resolves with its exit status. */
export function runChild(cmd, args, opts = {}) {
  const child = startChild(cmd, args, opts);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 1)));
  });
}

/**
 * Like runChild but returns the ChildProcess. It gets its own process group, so Ctrl-C in
 * the terminal reaches only this script, which passes the signal on exactly once (a second
 * SIGINT would cut the relay's orderly shutdown short).
 */
export function startChild(cmd, args, opts = {}) {
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: root,
    detached: true,
    ...opts,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/**
 * Signals the child's whole process group, as the terminal would have: `npx x` is npm, a
 * shell and x, and a signal sent to npm alone does not reach x through the shell.
 */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Installs the signal handlers; call once at the start of a script. */
export function stopOnSignals() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (signalled) return;
      signalled = true;
      console.error(`\nsettlebridge: ${signal} received, stopping…`);
      const exited = [...running].map((child) => new Promise((r) => child.once('exit', r)));
      // Hang-up means the terminal went away: ask children to stop as they would on SIGTERM.
      for (const child of running) signalGroup(child, signal === 'SIGHUP' ? 'SIGTERM' : signal);
      // Children first (they may be using what the cleanups stop), at most 20 s.
      void Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, 20_000))]).then(() =>
        exitAfterStopping(128 + constants.signals[signal]),
      );
    });
  }
}
