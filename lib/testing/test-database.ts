/**
 * A fresh, migrated database for one data-layer test file: in-memory PGlite by default, or
 * a throwaway database on the PostgreSQL server named by DATABASE_URL (created and dropped
 * here). A guard refuses any server that is not on this machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '@/lib/db/open-database';

export interface TestDatabase extends Database {
  dataDir: string;
  /** The throwaway PostgreSQL database's URL (a second client = a second app instance). */
  url?: string;
  destroy(): Promise<void>;
}

function assertLocal(url: URL): void {
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(url.hostname)) {
    throw new Error(`Refusing to run tests against non-local database host ${url.hostname}`);
  }
}

/** @param options.serverUrl a PostgreSQL server other than DATABASE_URL's (fault tests). */
export async function createTestDatabase(
  options: { serverUrl?: string } = {},
): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-test-'));
  const serverUrl = options.serverUrl ?? process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ dataDir, memory: true });
    return {
      ...db,
      dataDir,
      destroy: async () => {
        await db.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const admin = new URL(serverUrl);
  assertLocal(admin);
  const name = `facecast_test_${randomBytes(4).toString('hex')}`;
  const { Client } = await import('pg');
  const control = new Client({ connectionString: admin.toString() });
  // A server restart (the database-outage fault test) ends this idle connection; without a
  // listener its 'error' event would be an uncaught exception.
  control.on('error', () => undefined);
  await control.connect();
  await control.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = await openDatabase({ dataDir, databaseUrl: url.toString() });
  return {
    ...db,
    dataDir,
    url: url.toString(),
    destroy: async () => {
      await db.close();
      await control.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await control.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
