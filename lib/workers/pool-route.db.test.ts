/**
 * GET /api/v1/admin/pool as a client calls it: real handler, real API-key auth, real
 * database. LiveKit is pointed at a closed loopback port, so viewer counts are null, as they
 * are when the LiveKit server is down; counting through a room listing is tested on poolView.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as PoolRoute from '@/app/api/v1/admin/pool/route';
import { createApiKey } from '@/lib/auth/api-keys';
import type { Database } from '@/lib/db/open-database';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import type { HostReport } from '@/protocol/host-report';
import { type PoolView, poolView } from './pool-view';
import { recordHostReport } from './record-host-report';

let db: TestDatabase;
let adminKey: string;
let userKey: string;
let sessionId: string;
let route: typeof PoolRoute;

beforeAll(async () => {
  db = await createTestDatabase();
  Object.assign(process.env, {
    AUTH_SECRET: 'pool-route-auth-secret-pool-route-auth',
    WORKER_SECRET: 'pool-route-worker-secret',
    FACECAST_DATA_DIR: db.dataDir,
    LIVEKIT_URL: 'ws://127.0.0.1:9',
  });
  (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
  const admin = await createUser(db.prisma, { email: 'admin@example.com', password: 'password-1' });
  await db.prisma.user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  const user = await createUser(db.prisma, { email: 'user@example.com', password: 'password-2' });
  adminKey = (await createApiKey(db.prisma, { userId: admin.id, name: 't', scopes: ['admin'] }))
    .key;
  userKey = (await createApiKey(db.prisma, { userId: user.id, name: 't' })).key;
  const avatar = await db.prisma.avatar.create({
    data: { userId: user.id, name: 'Museum guide', sourceType: 'image/png', status: 'ready' },
  });
  const session = await db.prisma.session.create({
    data: {
      userId: user.id,
      avatarId: avatar.id,
      roomName: 'fc-pool-route',
      viewerKey: 'pool-route-viewer',
      status: 'starting',
      dispatchedAt: new Date(),
    },
  });
  sessionId = session.id;
  const report: HostReport = {
    hostId: 'box-1',
    metricsUrl: 'http://127.0.0.1:9464/metrics',
    state: 'available',
    capacity: 4,
    active: 1,
    prewarmed: 1,
    load: 0.25,
    cpuPercent: 55,
    cores: 2,
    rssMb: 600,
    pssMb: 420,
    restarts: 1,
    handBack: [],
    failed: [],
    sessions: [
      {
        sessionId,
        roomName: session.roomName,
        avatarId: avatar.id,
        state: 'running',
        startedAt: new Date().toISOString(),
        restarts: 1,
        fps: 25,
        framesRendered: 1000,
        framesDropped: 0,
        cpuPercent: 48,
        rssMb: 210,
        pssMb: 120,
        render: { renderer: 'builtin' },
        quality: { fps: 25, widthPx: 512, heightPx: 512, degraded: false },
      },
    ],
  };
  await recordHostReport(db.prisma, report);
  route = await import('@/app/api/v1/admin/pool/route');
});
afterAll(async () => {
  delete (globalThis as { facecastDb?: unknown }).facecastDb;
  await db.destroy();
});

const get = (key?: string) =>
  route.GET(
    new Request('http://localhost/api/v1/admin/pool', {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    }),
    { params: Promise.resolve({}) },
  );

describe('GET /api/v1/admin/pool', () => {
  it('does not exist for users who are not admins', async () => {
    const response = await get(userKey);
    expect(response.status).toBe(404);
    expect(JSON.stringify(await response.json())).not.toMatch(/box-1|Museum/);
  });

  it('shows admins each host with its figures and each session with its live figures', async () => {
    const response = await get(adminKey);
    expect(response.status).toBe(200);
    const view = (await response.json()) as PoolView;
    expect(view.capacity).toEqual({ hosts: 1, capacity: 4, used: 1, free: 3 });
    expect(view.hosts).toHaveLength(1);
    expect(view.hosts[0]).toMatchObject({
      id: 'box-1',
      state: 'available',
      capacity: 4,
      active: 1,
      prewarmed: 1,
      load: 0.25,
      cpuPercent: 55,
      pssMb: 420,
      metricsUrl: 'http://127.0.0.1:9464/metrics',
    });
    expect(view.hosts[0]!.history.at(-1)).toMatchObject({ load: 0.25, cpuPercent: 55, active: 1 });
    expect(view.livekitReachable).toBe(false);
    expect(view.sessions).toEqual([
      expect.objectContaining({
        id: sessionId,
        avatarName: 'Museum guide',
        room: 'fc-pool-route',
        status: 'live',
        hostState: 'running',
        hostId: 'box-1',
        viewers: null,
        fps: 25,
        cpuPercent: 48,
        pssMb: 120,
        restarts: 1,
        renderer: 'builtin',
      }),
    ]);
  });
});

describe('poolView', () => {
  it('counts viewers as the room participants other than the avatar, from one room listing', async () => {
    const asked: string[][] = [];
    const view = await poolView(db.prisma, {
      countRooms: (names) => {
        asked.push(names);
        return Promise.resolve(new Map([['fc-pool-route', 4]]));
      },
    });
    expect(asked).toEqual([['fc-pool-route']]);
    expect(view.livekitReachable).toBe(true);
    expect(view.sessions[0]!.viewers).toBe(3);
  });
});
