/**
 * Opens the database: embedded PGlite under the data dir by default, or a PostgreSQL server
 * when a postgresql:// URL is given. Either way the same migrations are applied first.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaClient } from '@prisma/client';
import { migrate, readMigrations, type SqlRunner } from './migrate';

type AdapterFactory = NonNullable<ConstructorParameters<typeof PrismaClient>[0]>['adapter'];

export interface Database {
  prisma: PrismaClient;
  kind: 'embedded' | 'postgresql';
  /** Runs a trivial query; resolves true when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgresql://… or undefined for the embedded database. */
  databaseUrl?: string;
  /** Data directory; the embedded database lives in `<dataDir>/db`. */
  dataDir: string;
  /** `memory` keeps an embedded database in RAM only (tests). */
  memory?: boolean;
  /**
   * The embedded database on a thread of its own (default) or on the calling thread
   * (FACECAST_DB_THREAD=0; decision 032).
   */
  thread?: boolean;
}

/**
 * Prisma clients of embedded databases: one app process owns each (claimEmbeddedDir). Kept on
 * globalThis: Next.js bundles this module into each route's chunk, and a set per chunk would
 * not know the client instrumentation.ts opened.
 */
const holder = globalThis as typeof globalThis & {
  facecastEmbeddedClients?: WeakSet<PrismaClient>;
};
const embeddedClients = (holder.facecastEmbeddedClients ??= new WeakSet<PrismaClient>());

/** Whether this client is an embedded database's, so this process is its only user. */
export const isEmbeddedDatabase = (prisma: PrismaClient): boolean => embeddedClients.has(prisma);

export class DatabaseBusyError extends Error {
  constructor(readonly pid: number) {
    super(
      `The embedded database is in use by another Facecast process (pid ${pid}). ` +
        'Stop it first (Ctrl-C in the terminal running npm start), or do this in the web UI.',
    );
    this.name = 'DatabaseBusyError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is single-process: two processes opening one directory would corrupt it, so the
 * owner leaves its pid beside the files.
 */
function claimEmbeddedDir(dir: string): () => void {
  const lockPath = path.join(dir, 'facecast.pid');
  if (existsSync(lockPath)) {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid))
      throw new DatabaseBusyError(pid);
  }
  writeFileSync(lockPath, String(process.pid));
  return () => rmSync(lockPath, { force: true });
}

async function openEmbedded(options: OpenDatabaseOptions): Promise<Database> {
  let release = (): void => undefined;
  let dataDir: string | undefined = undefined;
  if (!options.memory) {
    const dir = path.join(options.dataDir, 'db');
    mkdirSync(dir, { recursive: true });
    release = claimEmbeddedDir(dir);
    dataDir = path.join(dir, 'pgdata');
  }
  try {
    const opened = options.thread === false ? await onMainThread(dataDir) : await onThread(dataDir);
    await migrate(opened.runner, await readMigrations());
    const prisma = new PrismaClient({ adapter: opened.adapter });
    embeddedClients.add(prisma);
    return {
      prisma,
      kind: 'embedded',
      ping: async () => (await opened.runner.query('SELECT 1')).length === 1,
      close: async () => {
        await prisma.$disconnect();
        await opened.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

interface OpenedEmbedded {
  runner: SqlRunner;
  adapter: AdapterFactory;
  close(): Promise<void>;
}

/** PGlite on a thread of its own (decision 032): queries do not stop the event loop. */
async function onThread(dataDir: string | undefined): Promise<OpenedEmbedded> {
  const { PGliteThread } = await import('./pglite-thread');
  const thread = await PGliteThread.open(dataDir);
  return {
    runner: { exec: (sql) => thread.exec(sql), query: (sql, params) => thread.query(sql, params) },
    // Typed against Prisma's driver-adapter-utils, as PrismaClient's own declaration is.
    adapter: thread.adapterFactory() as unknown as AdapterFactory,
    close: () => thread.close(),
  };
}

/** PGlite on the calling thread (FACECAST_DB_THREAD=0). */
async function onMainThread(dataDir: string | undefined): Promise<OpenedEmbedded> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const pg = dataDir ? new PGlite(dataDir) : new PGlite();
  return {
    runner: {
      exec: async (sql) => {
        await pg.exec(sql);
      },
      query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
    },
    // pglite-prisma-adapter 0.6.1 is typed against driver-adapter-utils 6.10; its runtime
    // contract matches Prisma 6.19's (checked by the db tests), only the declared types lag.
    adapter: new PrismaPGlite(pg) as unknown as AdapterFactory,
    close: () => pg.close(),
  };
}

async function openPostgres(url: string): Promise<Database> {
  const { Pool } = await import('pg');
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const pool = new Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  try {
    // Serialise concurrent starters (several app instances) around migrations.
    await client.query('SELECT pg_advisory_lock(727274)');
    const runner: SqlRunner = {
      exec: async (sql) => {
        await client.query(sql);
      },
      query: async <T>(sql: string, params?: unknown[]) =>
        (await client.query(sql, params)).rows as T[],
    };
    await migrate(runner, await readMigrations());
    await client.query('SELECT pg_advisory_unlock(727274)');
  } finally {
    client.release();
  }
  await pool.end();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  return {
    prisma,
    kind: 'postgresql',
    ping: async () => (await prisma.$queryRawUnsafe<unknown[]>('SELECT 1')).length === 1,
    close: () => prisma.$disconnect(),
  };
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openEmbedded(options);
}
