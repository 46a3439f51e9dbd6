// Runs `relay/server.ts` as a real child process, the way `npm run relay` does (or, with
// `script` and `cwd`, the bundled `dist/relay/server.js` the way an operator runs it).
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { freePort } from './harness';

export interface RelayProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  /** Node arguments; default runs relay/server.ts through tsx. */
  args?: string[];
  cwd?: string;
}

/** Node arguments for test/relay/crash-relay.ts: a relay that dies right after Xero accepted `what`. */
export const crashingRelay = (what: 'invoices' | 'attachment') => [
  '--import',
  'tsx',
  'test/relay/crash-relay.ts',
  what,
];

export async function spawnRelay(
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<RelayProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, options.args ?? ['--import', 'tsx', 'relay/server.ts'], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH,
      PUBLIC_URL: url,
      PORT: String(port),
      RELAY_ANNOUNCE: '1',
      // Tests start on fresh stores; the refusal of an old schema has its own test.
      MIGRATE_ON_START: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${err}\n${out}`)), 90_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      out += `${line}\n`;
      if (line.includes('"relayListening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${err}`));
    });
  });
  return {
    url,
    child,
    stderr: () => err,
    stdout: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
