/**
 * A throwaway PostgreSQL server for the PostgreSQL run of the data-layer tests: a fresh
 * cluster (initdb) under .test-data/pg, listening on 127.0.0.1:55432 with its unix socket in
 * the cluster dir, durability off for speed, deleted and recreated on every run.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user.
 */
import fs from 'node:fs';
import path from 'node:path';
import { detail } from './log.mjs';
import { isTcpPortFree } from './ports.mjs';
import { isRoot, probe, run } from './run.mjs';

export const TEST_PG_PORT = 55432;
export const TEST_PG_DATABASE = 'facecast_test';

/**
 * Directory of the newest Debian PostgreSQL binaries (/usr/lib/postgresql/<ver>/bin), or null.
 * @param {string} [base]
 */
export function findPostgresBinDir(base = '/usr/lib/postgresql') {
  let versions;
  try {
    versions = fs.readdirSync(base).filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(base, version, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl')))
      return bin;
  }
  return null;
}

/** DATABASE_URL of the throwaway server. @param {number} [port] */
export function testDatabaseUrl(port = TEST_PG_PORT) {
  return `postgresql://postgres@127.0.0.1:${port}/${TEST_PG_DATABASE}`;
}

/**
 * Creates and starts the cluster. Returns its URL, a stop function (which also deletes it),
 * and `halt`/`resume`, which stop the server (fast shutdown: open connections are cut) and
 * start it again with its data, for the database-outage fault test.
 * @param {{ dir: string, port?: number }} options
 * @returns {Promise<{ url: string, stop: () => Promise<void>, halt: () => Promise<void>, resume: () => Promise<void> }>}
 */
export async function startTestPostgres({ dir, port = TEST_PG_PORT }) {
  if (!(await isTcpPortFree(port, '127.0.0.1'))) {
    throw new Error(`port ${port} on 127.0.0.1 is in use; the test PostgreSQL server needs it`);
  }
  const bin = findPostgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
  // As root, run the server as `postgres`; it must be able to reach the cluster dir.
  const runAs = isRoot() ? 'postgres' : null;
  let clusterDir = path.resolve(dir);
  let temporary = false;
  fs.mkdirSync(path.dirname(clusterDir), { recursive: true });
  if (runAs && !canReach(runAs, path.dirname(clusterDir))) {
    // e.g. a clone under /root (mode 0700): the server user cannot enter it.
    clusterDir = fs.mkdtempSync('/tmp/facecast-test-pg-');
    temporary = true;
    detail(`the ${runAs} user cannot reach ${dir}; using ${clusterDir}`);
  }
  const as = (/** @type {string} */ command, /** @type {string[]} */ args) =>
    runAs
      ? run('runuser', ['-u', runAs, '--', command, ...args], { stdio: 'inherit' })
      : run(command, args);

  await stopCluster(bin, clusterDir, as); // a leftover from an interrupted run
  fs.rmSync(clusterDir, { recursive: true, force: true });
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (runAs) await run('chown', [`${runAs}:`, clusterDir]);

  const initdb = await as(path.join(bin, 'initdb'), [
    '--pgdata',
    clusterDir,
    '--username',
    'postgres',
    '--auth',
    'trust',
    '--no-sync',
    '--encoding',
    'UTF8',
    '--locale',
    'C',
  ]);
  if (initdb.code !== 0) throw new Error(`initdb failed (exit ${initdb.code})`);
  const serverOptions = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${clusterDir}'`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const startServer = async () => {
    const start = await as(path.join(bin, 'pg_ctl'), [
      'start',
      '--pgdata',
      clusterDir,
      '--wait',
      '--timeout',
      '60',
      '--log',
      path.join(clusterDir, 'server.log'),
      '-o',
      serverOptions,
    ]);
    if (start.code !== 0) {
      throw new Error(
        `pg_ctl start failed (exit ${start.code}); see ${path.join(clusterDir, 'server.log')}`,
      );
    }
  };
  await startServer();
  const create = await as(path.join(bin, 'createdb'), [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    'postgres',
    TEST_PG_DATABASE,
  ]);
  if (create.code !== 0) {
    await stopCluster(bin, clusterDir, as);
    throw new Error(`createdb failed (exit ${create.code})`);
  }
  return {
    url: testDatabaseUrl(port),
    halt: () => stopCluster(bin, clusterDir, as),
    resume: startServer,
    stop: async () => {
      await stopCluster(bin, clusterDir, as);
      if (temporary) fs.rmSync(clusterDir, { recursive: true, force: true });
    },
  };
}

/**
 * @param {string} user
 * @param {string} dir
 */
function canReach(user, dir) {
  return probe('runuser', ['-u', user, '--', 'test', '-x', dir]) !== null;
}

/**
 * @param {string} bin
 * @param {string} clusterDir
 * @param {(command: string, args: string[]) => Promise<{ code: number }>} as
 */
async function stopCluster(bin, clusterDir, as) {
  if (!fs.existsSync(path.join(clusterDir, 'postmaster.pid'))) return;
  await as(path.join(bin, 'pg_ctl'), [
    'stop',
    '--pgdata',
    clusterDir,
    '--mode',
    'fast',
    '--wait',
    '--silent',
  ]);
}
