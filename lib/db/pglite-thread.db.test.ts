/**
 * The embedded database on a thread of its own (decision 032), through Prisma as the app uses
 * it. These run PGlite whatever DATABASE_URL says: they are about the embedded database.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longestEventLoopGap } from '@/protocol/testing/event-loop-gap';
import { openDatabase, type Database } from './open-database';
import { PGliteThread } from './pglite-thread';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-pglite-thread-'));
let onThread: Database;
let onMain: Database;

beforeAll(async () => {
  onThread = await openDatabase({ dataDir, memory: true });
  onMain = await openDatabase({ dataDir, memory: true, thread: false });
});
afterAll(async () => {
  await onThread?.close();
  await onMain?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A query that keeps PostgreSQL busy for a while, and the event loop's longest gap meanwhile. */
const longestStall = (db: Database) =>
  longestEventLoopGap(() =>
    db.prisma.$queryRawUnsafe('SELECT count(*) FROM generate_series(1, 1500000)'),
  );

describe('PGlite on a thread of its own', () => {
  it('leaves the event loop free while a query runs (on the main thread it stops it)', async () => {
    const main = await longestStall(onMain);
    const thread = await longestStall(onThread);
    // The control: on the main thread the timer cannot run until the query is done.
    expect(main.gapMs).toBeGreaterThan(main.tookMs * 0.8);
    // On its thread, the timer keeps running: its longest gap is a small part of the query.
    expect(thread.gapMs).toBeLessThan(Math.max(50, thread.tookMs * 0.25));
  });

  it('runs interactive transactions: a failure inside one rolls it back', async () => {
    const { prisma } = onThread;
    await prisma.$executeRawUnsafe('CREATE TABLE thread_tx (id int PRIMARY KEY)');
    await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('INSERT INTO thread_tx VALUES (1)');
    });
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('INSERT INTO thread_tx VALUES (2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const rows = await prisma.$queryRawUnsafe<{ id: number }[]>('SELECT id FROM thread_tx');
    expect(rows).toEqual([{ id: 1 }]);
  });

  it("reports PostgreSQL's errors as Prisma does on the main thread", async () => {
    const duplicate = 'INSERT INTO thread_dup VALUES (1)';
    const failures = await Promise.all(
      [onThread, onMain].map(async ({ prisma }) => {
        await prisma.$executeRawUnsafe('CREATE TABLE thread_dup (id int PRIMARY KEY)');
        await prisma.$executeRawUnsafe(duplicate);
        return prisma.$executeRawUnsafe(duplicate).then(
          () => undefined,
          (error: { code?: string; meta?: unknown; message: string }) => error,
        );
      }),
    );
    const [threaded, direct] = failures;
    expect(threaded?.code).toBe('P2010');
    // The same details (meta holds the driver's error, another class on the main thread).
    expect(JSON.stringify(threaded?.meta)).toBe(JSON.stringify(direct?.meta));
    expect(JSON.stringify(threaded?.meta)).toContain('23505');
    expect(threaded?.message).toBe(direct?.message);
  });

  it('fails calls with a clear error once the thread has ended', async () => {
    const thread = await PGliteThread.open();
    await thread.close();
    await expect(thread.query('SELECT 1')).rejects.toThrow(/database thread was closed/);
  });

  it('opens a database on disk again when its thread dies, with what was committed', async () => {
    const thread = await PGliteThread.open(path.join(dataDir, 'dies'));
    try {
      await thread.exec('CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (7)');
      const inFlight = thread.query('SELECT pg_sleep(2)');
      // As if PostgreSQL aborted: the thread ends without being closed.
      await thread['worker'].terminate();
      await expect(inFlight).rejects.toThrow(/database thread ended/);
      expect(await thread.query('SELECT id FROM kept')).toEqual([{ id: 7 }]);
    } finally {
      await thread.close();
    }
  });

  it('lets a script end when it is done without closing the database', async () => {
    const script = path.join(dataDir, 'one-query.mts');
    writeFileSync(
      script,
      [
        `import { openDatabase } from ${JSON.stringify(path.resolve('lib/db/open-database.ts'))};`,
        `const db = await openDatabase({ dataDir: ${JSON.stringify(dataDir)}, memory: true });`,
        `const rows = await db.prisma.$queryRawUnsafe('SELECT 41 + 1 AS answer');`,
        `console.log(JSON.stringify(rows));`,
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], {
      cwd: process.cwd(),
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe('[{"answer":42}]');
  });
});
