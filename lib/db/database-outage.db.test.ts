/**
 * Fault: PostgreSQL restarts under a running app (issue 14 §2). While it is down the API
 * answers 503 with Retry-After (not 500), nothing is lost, and it recovers by itself once the
 * server is back. Runs in the PostgreSQL pass of the data-layer tests (npm test's
 * db-postgres step) against a PostgreSQL server of its own, so halting it disturbs no other
 * test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as AvatarsRoute from '@/app/api/v1/avatars/route';
import type * as BookingsRoute from '@/app/api/v1/bookings/route';
import { createApiKey } from '@/lib/auth/api-keys';
import type { Database } from '@/lib/db/open-database';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { freeTcpPort } from '@/tests/integration/support/ports';
import { startTestPostgres } from '@/scripts/lib/postgres-cluster.mjs';

type Cluster = Awaited<ReturnType<typeof startTestPostgres>>;

const onPostgres = !!process.env.DATABASE_URL;
let cluster: Cluster;
let clusterDir: string;
let db: TestDatabase;
let key: string;
let avatars: typeof AvatarsRoute;
let bookings: typeof BookingsRoute;

const get = (route: { GET: (r: Request, c: never) => Promise<Response> }, url: string) =>
  route.GET(new Request(url, { headers: { authorization: `Bearer ${key}` } }), {
    params: Promise.resolve({}),
  } as never);

describe.runIf(onPostgres)('PostgreSQL restarted under the app', () => {
  beforeAll(async () => {
    clusterDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-outage-pg-'));
    cluster = await startTestPostgres({ dir: clusterDir, port: await freeTcpPort() });
    db = await createTestDatabase({ serverUrl: cluster.url });
    process.env.FACECAST_DATA_DIR = db.dataDir;
    process.env.AUTH_SECRET ??= 'x'.repeat(40);
    process.env.WORKER_SECRET ??= 'y'.repeat(20);
    (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
    const user = await createUser(db.prisma, { email: 'o@example.com', password: 'password-1' });
    key = (await createApiKey(db.prisma, { userId: user.id, name: 't' })).key;
    await db.prisma.avatar.create({
      data: { userId: user.id, name: 'Kept', sourceType: 'image/png' },
    });
    avatars = await import('@/app/api/v1/avatars/route');
    bookings = await import('@/app/api/v1/bookings/route');
  }, 120_000);

  afterAll(async () => {
    delete (globalThis as { facecastDb?: unknown }).facecastDb;
    await db?.close().catch(() => undefined);
    await cluster?.stop();
    rmSync(clusterDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while it is down, then serves the same data again', async () => {
    const before = await get(avatars, 'http://app.test/api/v1/avatars');
    expect(before.status).toBe(200);
    const listed = (await before.json()) as { avatars: Array<{ name: string }> };
    expect(listed.avatars.map((a) => a.name)).toEqual(['Kept']);

    await cluster.halt();
    for (const [route, url] of [
      [avatars, 'http://app.test/api/v1/avatars'],
      [bookings, 'http://app.test/api/v1/bookings'],
    ] as const) {
      const down = await get(route, url);
      expect(down.status, url).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      const body = (await down.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unavailable');
      expect(body.error.message).toMatch(/database is unavailable.*Try again in 5 seconds/);
    }

    await cluster.resume();
    // The pool reconnects by itself; the first requests after the restart may still meet
    // a dropped connection, so retry like a client honouring Retry-After would (briefly).
    let after: Response | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      after = await get(avatars, 'http://app.test/api/v1/avatars');
      if (after.status === 200) break;
      expect(after.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(after?.status).toBe(200);
    const again = (await after!.json()) as { avatars: Array<{ name: string }> };
    expect(again.avatars.map((a) => a.name)).toEqual(['Kept']);
  }, 120_000);
});
