/**
 * The app's side of the worker pool on a real database (PGlite): host reports through the
 * real route handler, capacity checks, lost hosts and re-dispatch with a fake clock. The
 * LiveKit dispatch itself is the integration test's (no LiveKit server here): re-dispatches
 * go to a recording dispatcher, and the metadata they carry is decoded as a host would.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as ReportRoute from '@/app/api/internal/worker-hosts/report/route';
import { sealSecret } from '@/protocol/sealing';
import type { Database } from '@/lib/db/open-database';
import type { DispatchOptions } from '@/lib/sessions/dispatch-session';
import { redispatchSession } from '@/lib/sessions/dispatch-session';
import { waitUntilLive } from '@/lib/sessions/start-session';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { decodeDispatchMetadata, encodeDispatchMetadata } from '@/protocol/dispatch-metadata';
import {
  HOST_REPORT_PATH,
  HOST_SILENCE_TIMEOUT_MS,
  type HostReport,
  type HostSessionReport,
} from '@/protocol/host-report';
import { noteHostHeard, startStallMeter, stopStallMeter } from './app-stall';
import { hostHistory } from './host-history';
import { checkHosts, PICKUP_RETRY_MS, PICKUP_TIMEOUT_MS } from './host-monitor';
import { assertPoolHasRoom, freeSlots, poolCapacity } from './pool-capacity';
import { recordHostReport } from './record-host-report';

const AUTH_SECRET = 'pool-test-auth-secret-pool-test-auth-secret';
const WORKER_SECRET = 'pool-test-worker-secret';

let db: TestDatabase;
let userId: string;
let avatarId: string;
let route: typeof ReportRoute;
const t0 = new Date('2026-11-24T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

beforeAll(async () => {
  db = await createTestDatabase();
  Object.assign(process.env, { AUTH_SECRET, WORKER_SECRET, FACECAST_DATA_DIR: db.dataDir });
  (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
  userId = (await createUser(db.prisma, { email: 'pool@example.com', password: 'password-1' })).id;
  const avatar = await db.prisma.avatar.create({
    data: {
      userId,
      name: 'Guide',
      sourceType: 'image/png',
      status: 'ready',
      framePath: 'avatars/guide/frame.png',
      widthPx: 512,
      heightPx: 512,
      face: {
        box: { x: 100, y: 100, width: 300, height: 300 },
        landmarks: Array.from({ length: 468 }, (_, i) => [100 + (i % 30), 100 + i / 10]),
      },
      ttsProvider: 'openai',
      ttsConfig: { openai: { baseUrl: 'http://127.0.0.1:9/v1', model: 'tts-1', voice: 'alloy' } },
    },
  });
  avatarId = avatar.id;
  await db.prisma.avatar.update({
    where: { id: avatarId },
    data: { ttsApiKeySealed: sealSecret('sk-secret-key', AUTH_SECRET, avatarId) },
  });
  route = await import('@/app/api/internal/worker-hosts/report/route');
});
afterAll(async () => {
  delete (globalThis as { facecastDb?: unknown }).facecastDb;
  await db.destroy();
});
beforeEach(async () => {
  await db.prisma.session.deleteMany();
  await db.prisma.workerHost.deleteMany();
});

let counter = 0;
async function newSession(
  data: { status?: 'starting' | 'live' | 'ended'; dispatchedAt?: Date; workerHostId?: string } = {},
) {
  counter++;
  return db.prisma.session.create({
    data: {
      userId,
      avatarId,
      roomName: `fc-pool-${counter}`,
      viewerKey: `viewer-${counter}`,
      status: data.status ?? 'starting',
      dispatchedAt: data.dispatchedAt ?? null,
      workerHostId: data.workerHostId ?? null,
    },
  });
}

function sessionReport(
  id: string,
  roomName: string,
  extra: Partial<HostSessionReport> = {},
): HostSessionReport {
  return {
    sessionId: id,
    roomName,
    avatarId,
    state: 'running',
    startedAt: t0.toISOString(),
    restarts: 0,
    fps: 24.5,
    framesRendered: 490,
    framesDropped: 2,
    cpuPercent: 41,
    rssMb: 180,
    pssMb: 95,
    render: { renderer: 'builtin' },
    ...extra,
  };
}

function hostReport(hostId: string, extra: Partial<HostReport> = {}): HostReport {
  return {
    hostId,
    state: 'available',
    capacity: 3,
    active: 0,
    prewarmed: 1,
    load: 0.1,
    cpuPercent: 20,
    cores: 2,
    rssMb: 400,
    pssMb: 300,
    restarts: 0,
    sessions: [],
    handBack: [],
    failed: [],
    ...extra,
  };
}

const post = (body: string, authorization?: string) =>
  route.POST(
    new Request(`http://localhost${HOST_REPORT_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body,
    }),
    { params: Promise.resolve({}) },
  );

function recorder() {
  const calls: DispatchOptions[] = [];
  const dispatch = (options: DispatchOptions) => {
    calls.push(options);
    return Promise.resolve();
  };
  return { calls, dispatch };
}

describe(`POST ${HOST_REPORT_PATH}`, () => {
  it('refuses a caller without the worker secret, with what to send', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-secret-wrong',
      `Basic ${WORKER_SECRET}`,
    ]) {
      const response = await post(JSON.stringify(hostReport('h1')), authorization);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /WORKER_SECRET/,
      );
    }
    expect(await db.prisma.workerHost.count()).toBe(0);
  });

  it('answers 400 to malformed JSON and 422 naming the wrong field', async () => {
    expect((await post('{"hostId":', `Bearer ${WORKER_SECRET}`)).status).toBe(400);
    const response = await post(
      JSON.stringify({ ...hostReport('h1'), load: 3 }),
      `Bearer ${WORKER_SECRET}`,
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /load/,
    );
  });

  it('keeps the host, updates its sessions and tells it to stop the ones that are over', async () => {
    const starting = await newSession({ dispatchedAt: new Date() });
    const joining = await newSession({ dispatchedAt: new Date() });
    const ended = await newSession({ status: 'ended' });
    const report = hostReport('host-a', {
      active: 3,
      load: 1,
      state: 'full',
      sessions: [
        sessionReport(starting.id, starting.roomName, {
          restarts: 2,
          render: { renderer: 'onnx' },
        }),
        sessionReport(joining.id, joining.roomName, { state: 'starting' }),
        sessionReport(ended.id, ended.roomName),
        sessionReport('unknown-session', 'fc-nowhere'),
      ],
    });
    const response = await post(JSON.stringify(report), `Bearer ${WORKER_SECRET}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { stop: string[] };
    expect(body.stop.sort()).toEqual([ended.id, 'unknown-session'].sort());

    const host = await db.prisma.workerHost.findUniqueOrThrow({ where: { id: 'host-a' } });
    expect(host).toMatchObject({ state: 'full', capacity: 3, active: 3, load: 1, cores: 2 });
    expect((host.lastReport as { sessions: unknown[] }).sessions).toHaveLength(4);
    const live = await db.prisma.session.findUniqueOrThrow({ where: { id: starting.id } });
    expect(live).toMatchObject({
      status: 'live',
      workerHostId: 'host-a',
      renderer: 'onnx',
      restarts: 2,
      fps: 24.5,
    });
    const stillStarting = await db.prisma.session.findUniqueOrThrow({ where: { id: joining.id } });
    expect(stillStarting).toMatchObject({ status: 'starting', workerHostId: 'host-a' });
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id: ended.id } })).status).toBe(
      'ended',
    );
    expect(hostHistory('host-a').at(-1)).toMatchObject({ load: 1, active: 3, cpuPercent: 20 });
  });
});

describe('recordHostReport', () => {
  it('wakes a start waiting for its session the moment a report says it runs', async () => {
    const session = await newSession({ dispatchedAt: t0 });
    const waiting = waitUntilLive(db.prisma, session.id, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const reportedAt = performance.now();
    await recordHostReport(
      db.prisma,
      hostReport('host-wake', {
        sessions: [sessionReport(session.id, session.roomName, { state: 'running' })],
      }),
      { now: new Date() },
    );
    expect((await waiting).status).toBe('live');
    // Without the wake-up the waiter reads the row again only after its 1 s poll.
    expect(performance.now() - reportedAt).toBeLessThan(500);
  });

  it('sets liveAt when a session first runs, and keeps it after a restart', async () => {
    const session = await newSession({ dispatchedAt: t0 });
    const report = (state: 'starting' | 'running', now: Date) =>
      recordHostReport(
        db.prisma,
        hostReport('host-live', {
          sessions: [sessionReport(session.id, session.roomName, { state })],
        }),
        { now },
      );
    await report('starting', t0);
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id: session.id } })).liveAt).toBe(
      null,
    );
    const live = new Date(t0.getTime() + 2_000);
    await report('running', live);
    await report('starting', new Date(t0.getTime() + 60_000));
    await report('running', new Date(t0.getTime() + 62_000));
    expect(await db.prisma.session.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
      status: 'live',
      liveAt: live,
    });
  });

  it('does not make a session stopped while its report was being recorded live again', async () => {
    const session = await newSession({ status: 'live', workerHostId: 'host-race' });
    // The user's stop lands between the report's read of the session and its write (the e2e
    // suite once saw a stopped session back as live after DELETE answered 204).
    const session$ = db.prisma.session;
    const racing = new Proxy(db.prisma, {
      get(target, prop, receiver) {
        if (prop !== 'session') return Reflect.get(target, prop, receiver) as unknown;
        return new Proxy(session$, {
          get(delegate, name, inner) {
            if (name !== 'findMany') return Reflect.get(delegate, name, inner) as unknown;
            return async (args: Parameters<typeof session$.findMany>[0]) => {
              const rows = await session$.findMany(args);
              await session$.update({
                where: { id: session.id },
                data: { status: 'ended', endedAt: t0 },
              });
              return rows;
            };
          },
        });
      },
    });
    const answer = await recordHostReport(
      racing,
      hostReport('host-race', {
        sessions: [sessionReport(session.id, session.roomName, { state: 'running' })],
      }),
      { now: t0 },
    );
    expect(answer.stop).toEqual([session.id]);
    expect(await db.prisma.session.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
      status: 'ended',
      liveAt: null,
    });
  });

  it('stops a session another host took over, and re-dispatches what a host hands back', async () => {
    const moved = await newSession({ status: 'live', workerHostId: 'host-new' });
    const returned = await newSession({ status: 'live', workerHostId: 'host-old' });
    const { calls, dispatch } = recorder();
    const answer = await recordHostReport(
      db.prisma,
      hostReport('host-old', {
        state: 'draining',
        sessions: [
          sessionReport(moved.id, moved.roomName),
          sessionReport(returned.id, returned.roomName),
        ],
        handBack: [returned.id],
      }),
      { now: t0, dispatch },
    );
    expect(answer.stop).toEqual([moved.id]);
    expect(calls.map((c) => c.roomName)).toEqual([returned.roomName]);
    expect(await db.prisma.session.findUniqueOrThrow({ where: { id: returned.id } })).toMatchObject(
      {
        status: 'starting',
        workerHostId: null,
        restarts: 1,
        dispatchedAt: t0,
      },
    );
    expect(
      (await db.prisma.session.findUniqueOrThrow({ where: { id: moved.id } })).workerHostId,
    ).toBe('host-new');
  });

  it('re-dispatches a handed-back session once when two app instances get the report', async () => {
    // Each host reports to every app instance (worker FACECAST_APP_URL): the same report is
    // recorded twice, at once and again a moment later.
    const returned = await newSession({
      status: 'live',
      workerHostId: 'host-old',
      dispatchedAt: t0,
    });
    const { calls, dispatch } = recorder();
    const handBack = hostReport('host-old', {
      state: 'draining',
      sessions: [sessionReport(returned.id, returned.roomName)],
      handBack: [returned.id],
    });
    await Promise.all([
      recordHostReport(db.prisma, handBack, { now: at(1_000), dispatch }),
      recordHostReport(db.prisma, handBack, { now: at(1_001), dispatch }),
    ]);
    await recordHostReport(db.prisma, handBack, { now: at(1_500), dispatch });
    expect(calls.map((c) => c.roomName)).toEqual([returned.roomName]);
    expect(
      (await db.prisma.session.findUniqueOrThrow({ where: { id: returned.id } })).restarts,
    ).toBe(1);
  });

  it('fails a session the host could not start; a damaged avatar store is rebuilt', async () => {
    const other = await db.prisma.avatar.create({
      data: { userId, name: 'Damaged', sourceType: 'image/png', status: 'ready' },
    });
    const broken = await db.prisma.session.create({
      data: {
        userId,
        avatarId: other.id,
        roomName: 'fc-pool-broken',
        viewerKey: 'viewer-broken',
        dispatchedAt: t0,
      },
    });
    const crashed = await newSession({ dispatchedAt: t0 });
    const { calls, dispatch } = recorder();
    const answer = await recordHostReport(
      db.prisma,
      hostReport('host-f', {
        failed: [
          {
            sessionId: broken.id,
            code: 'avatar_store_invalid',
            message: 'frames.frames truncated',
          },
          { sessionId: crashed.id, code: 'start_failed', message: 'renderer did not start' },
        ],
      }),
      { now: t0, dispatch, dataDir: db.dataDir },
    );
    expect(answer.stop).toEqual([]);
    expect(calls).toHaveLength(0);
    const storeFailed = await db.prisma.session.findUniqueOrThrow({ where: { id: broken.id } });
    expect(storeFailed.status).toBe('failed');
    expect(storeFailed.error).toMatch(/being rebuilt from the original upload/);
    // The rebuild was queued: the avatar left "ready" (it has no upload here, so it ends failed).
    const avatarAfter = await db.prisma.avatar.findUniqueOrThrow({ where: { id: other.id } });
    expect(avatarAfter.status).not.toBe('ready');
    const startFailed = await db.prisma.session.findUniqueOrThrow({ where: { id: crashed.id } });
    expect(startFailed).toMatchObject({ status: 'failed', endedAt: t0 });
    expect(startFailed.error).toBe(
      'The worker host could not start the session: renderer did not start',
    );
  });

  it('keeps ten minutes of samples per host', async () => {
    for (let minute = 0; minute <= 12; minute++) {
      await recordHostReport(db.prisma, hostReport('host-h', { load: minute / 12 }), {
        now: at(minute * 60_000),
      });
    }
    const samples = hostHistory('host-h');
    expect(samples).toHaveLength(11);
    expect(samples[0]!.atMs).toBe(at(2 * 60_000).getTime());
  });
});

describe('pool capacity', () => {
  it('counts free slots of available hosts heard from recently, minus dispatches not yet reported', async () => {
    const now = new Date();
    await expect(assertPoolHasRoom(db.prisma, now)).rejects.toMatchObject({
      code: 'unavailable',
      headers: { 'retry-after': '10' },
      message: expect.stringMatching(/No worker host is connected.*npm run worker/) as string,
    });
    await recordHostReport(db.prisma, hostReport('a', { capacity: 3, active: 1 }), { now });
    await recordHostReport(db.prisma, hostReport('b', { capacity: 2, active: 2, state: 'full' }), {
      now,
    });
    await recordHostReport(db.prisma, hostReport('c', { capacity: 4, state: 'draining' }), { now });
    // Silent too long: does not count.
    await recordHostReport(db.prisma, hostReport('d', { capacity: 8 }), {
      now: new Date(now.getTime() - HOST_SILENCE_TIMEOUT_MS - 1),
    });
    expect(await freeSlots(db.prisma, now)).toBe(2);
    await newSession({ dispatchedAt: new Date(now.getTime() - 2_000) });
    // A dispatch long ago no longer holds a slot (the monitor fails it).
    await newSession({ dispatchedAt: new Date(now.getTime() - 60_000) });
    expect(await poolCapacity(db.prisma, now)).toEqual({ hosts: 3, capacity: 5, used: 4, free: 1 });
    await assertPoolHasRoom(db.prisma, now);
    await newSession({ dispatchedAt: new Date(now.getTime() - 1_000) });
    await expect(assertPoolHasRoom(db.prisma, now)).rejects.toMatchObject({
      code: 'unavailable',
      status: 503,
      headers: { 'retry-after': '10' },
      message: 'Every avatar slot is in use (5 of 5). Try again in a minute or stop a session.',
    });
  });

  it('counts a dispatch once while its first report is half written', async () => {
    const now = new Date();
    const session = await newSession({ dispatchedAt: new Date(now.getTime() - 1_000) });
    await recordHostReport(
      db.prisma,
      hostReport('a', {
        capacity: 2,
        active: 1,
        sessions: [sessionReport(session.id, session.roomName, { state: 'starting' })],
      }),
      { now },
    );
    // The moment between the report's two writes: the host's figures count the session, its
    // row does not name the host yet.
    await db.prisma.session.update({ where: { id: session.id }, data: { workerHostId: null } });
    expect(await poolCapacity(db.prisma, now)).toEqual({ hosts: 1, capacity: 2, used: 1, free: 1 });
    await assertPoolHasRoom(db.prisma, now);
  });
});

describe('checkHosts', () => {
  it("does not count the time the app itself stood still as a host's silence", async () => {
    const live = await newSession({ status: 'live', workerHostId: 'host-busy-app' });
    startStallMeter();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Heard 1.5 s before its allowance runs out; then the app is too busy to hear it for 2.5 s.
      const heardAt = new Date(Date.now() - HOST_SILENCE_TIMEOUT_MS + 1_500);
      await recordHostReport(db.prisma, hostReport('host-busy-app', { active: 1 }), {
        now: heardAt,
      });
      const end = performance.now() + 2_500;
      while (performance.now() < end) {
        // the event loop stands still, as under a burst of requests
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { dispatch } = recorder();
      expect((await checkHosts(db.prisma, new Date(), { dispatch })).lostHosts).toEqual([]);
      expect((await poolCapacity(db.prisma)).hosts).toBeGreaterThanOrEqual(1);
      // Without the app's stall the same silence is too long.
      stopStallMeter();
      const result = await checkHosts(db.prisma, new Date(), { dispatch });
      expect(result.lostHosts).toContain('host-busy-app');
      expect(result.redispatched).toContain(live.id);
    } finally {
      stopStallMeter();
    }
  });

  it('keeps a host whose report reached the app and is still waiting to be stored', async () => {
    const live = await newSession({ status: 'live', workerHostId: 'host-queued-report' });
    // Stored 10 s ago; its newer report arrived a second ago and waits behind other queries.
    await recordHostReport(db.prisma, hostReport('host-queued-report', { active: 1 }), {
      now: new Date(Date.now() - 10_000),
    });
    const { dispatch } = recorder();
    noteHostHeard('host-queued-report', Date.now() - 1_000);
    expect((await checkHosts(db.prisma, new Date(), { dispatch })).lostHosts).toEqual([]);
    const capacity = await poolCapacity(db.prisma);
    // Arrived longer ago than the allowed silence: lost, as before.
    noteHostHeard('host-queued-report', Date.now() - HOST_SILENCE_TIMEOUT_MS - 1_000);
    const result = await checkHosts(db.prisma, new Date(), { dispatch });
    expect(result.lostHosts).toContain('host-queued-report');
    expect(result.redispatched).toContain(live.id);
    expect(capacity.hosts).toBeGreaterThanOrEqual(1);
  });

  it('marks a silent host lost and dispatches its sessions again into the same rooms', async () => {
    const live = await newSession({ status: 'live', workerHostId: 'host-x' });
    const other = await newSession({ status: 'live', workerHostId: 'host-y' });
    const ended = await newSession({ status: 'ended', workerHostId: 'host-x' });
    await recordHostReport(db.prisma, hostReport('host-x', { active: 1 }), { now: t0 });
    await recordHostReport(db.prisma, hostReport('host-y', { active: 1 }), { now: at(5_000) });
    const { calls, dispatch } = recorder();

    const early = await checkHosts(db.prisma, at(HOST_SILENCE_TIMEOUT_MS), { dispatch });
    expect(early).toEqual({ lostHosts: [], redispatched: [], failed: [] });

    const result = await checkHosts(db.prisma, at(HOST_SILENCE_TIMEOUT_MS + 1), { dispatch });
    expect(result).toEqual({ lostHosts: ['host-x'], redispatched: [live.id], failed: [] });
    expect((await db.prisma.workerHost.findUniqueOrThrow({ where: { id: 'host-x' } })).state).toBe(
      'lost',
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]!.roomName).toBe(live.roomName);
    expect(calls[0]!.request).toMatchObject({ sessionId: live.id, roomName: live.roomName });
    expect(await db.prisma.session.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({
      status: 'starting',
      workerHostId: null,
      restarts: 1,
    });
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id: other.id } })).status).toBe(
      'live',
    );
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id: ended.id } })).status).toBe(
      'ended',
    );
    // Lost once: the next pass does not dispatch again.
    expect(
      (await checkHosts(db.prisma, at(HOST_SILENCE_TIMEOUT_MS + 2), { dispatch })).lostHosts,
    ).toEqual([]);
    expect(calls).toHaveLength(1);

    // A new host picks it up: live again, and the re-dispatch still counts as a restart.
    await recordHostReport(
      db.prisma,
      hostReport('host-z', { active: 1, sessions: [sessionReport(live.id, live.roomName)] }),
      { now: at(HOST_SILENCE_TIMEOUT_MS + 3_000) },
    );
    expect(await db.prisma.session.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({
      status: 'live',
      workerHostId: 'host-z',
      restarts: 1,
    });
    // The old host comes back still running it: it is told to stop.
    const back = await recordHostReport(
      db.prisma,
      hostReport('host-x', { active: 1, sessions: [sessionReport(live.id, live.roomName)] }),
      { now: at(HOST_SILENCE_TIMEOUT_MS + 4_000) },
    );
    expect(back.stop).toEqual([live.id]);
  });

  it('fails a dispatched session no host picks up within 30 s, saying so', async () => {
    const waiting = await newSession({ dispatchedAt: t0 });
    expect((await checkHosts(db.prisma, at(PICKUP_TIMEOUT_MS))).failed).toEqual([]);
    expect((await checkHosts(db.prisma, at(PICKUP_TIMEOUT_MS + 1))).failed).toEqual([waiting.id]);
    const failed = await db.prisma.session.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/No worker host picked up the session/);
  });

  it('sends a first dispatch no host took again once, while hosts have free slots', async () => {
    const base = at(3_600_000);
    const later = (ms: number) => new Date(base.getTime() + ms);
    const unpicked = await newSession({ dispatchedAt: base });
    const { calls, dispatch } = recorder();
    // No host with room: nothing to gain from sending it again.
    expect(
      (await checkHosts(db.prisma, later(PICKUP_RETRY_MS + 1), { dispatch })).redispatched,
    ).toEqual([]);
    // A host with free slots reports; the dispatch went nowhere (LiveKit's routing missed it).
    await recordHostReport(db.prisma, hostReport('host-idle', { capacity: 4, active: 0 }), {
      now: later(PICKUP_RETRY_MS + 500),
    });
    const result = await checkHosts(db.prisma, later(PICKUP_RETRY_MS + 1_000), { dispatch });
    expect(result.redispatched).toEqual([unpicked.id]);
    expect(calls.map((call) => call.roomName)).toEqual([unpicked.roomName]);
    expect(await db.prisma.session.findUniqueOrThrow({ where: { id: unpicked.id } })).toMatchObject(
      { status: 'starting', restarts: 1, dispatchedAt: later(PICKUP_RETRY_MS + 1_000) },
    );
    // Once only: still untaken 10 s later, it is left to the pickup timeout.
    await recordHostReport(db.prisma, hostReport('host-idle', { capacity: 4, active: 0 }), {
      now: later(2 * PICKUP_RETRY_MS + 1_500),
    });
    expect(
      (await checkHosts(db.prisma, later(2 * PICKUP_RETRY_MS + 2_000), { dispatch })).redispatched,
    ).toEqual([]);
    expect(calls).toHaveLength(1);
    await db.prisma.session.update({ where: { id: unpicked.id }, data: { status: 'ended' } });
  });

  it('fails a session whose re-dispatch LiveKit refuses, with the reason', async () => {
    const live = await newSession({ status: 'live', workerHostId: 'host-r' });
    await recordHostReport(db.prisma, hostReport('host-r'), { now: t0 });
    const refusing = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:7880'));
    const result = await checkHosts(db.prisma, at(HOST_SILENCE_TIMEOUT_MS + 1), {
      dispatch: refusing,
    });
    expect(result.redispatched).toEqual([]);
    const failed = await db.prisma.session.findUniqueOrThrow({ where: { id: live.id } });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/LiveKit/);
  });
});

describe('re-dispatch metadata', () => {
  it('carries the same request as a first start, its API key sealed and opened by the host', async () => {
    const session = await newSession({ status: 'live', workerHostId: 'host-m' });
    const { calls, dispatch } = recorder();
    expect(
      await redispatchSession(db.prisma, session.id, 'test', { dispatch, dataDir: db.dataDir }),
    ).toBe(true);
    const request = calls[0]!.request;
    expect(request.speech).toMatchObject({
      provider: 'openai',
      apiKey: 'sk-secret-key',
      voice: 'alloy',
    });
    expect(request.avatar.framePath).toBe(`${db.dataDir}/avatars/guide/frame.png`);
    const metadata = encodeDispatchMetadata(request, WORKER_SECRET);
    expect(metadata).not.toContain('sk-secret-key');
    expect(decodeDispatchMetadata(metadata, WORKER_SECRET)).toEqual(request);
    expect(() => decodeDispatchMetadata(metadata, 'another-worker-secret')).toThrow();
  });

  it('leaves a session the user stopped during the re-dispatch ended', async () => {
    const session = await newSession({ status: 'live', workerHostId: 'host-m' });
    const stoppedMeanwhile = async () => {
      await db.prisma.session.update({
        where: { id: session.id },
        data: { status: 'ended', endedAt: new Date() },
      });
      throw new Error('room deleted');
    };
    expect(
      await redispatchSession(db.prisma, session.id, 'test', { dispatch: stoppedMeanwhile }),
    ).toBe(false);
    const after = await db.prisma.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(after.status).toBe('ended');
    expect(after.error).toBeNull();
  });

  it('fails the session when its avatar can no longer render', async () => {
    const session = await newSession({ status: 'live', workerHostId: 'host-m' });
    await db.prisma.avatar.update({ where: { id: avatarId }, data: { status: 'preparing' } });
    try {
      const { calls, dispatch } = recorder();
      expect(await redispatchSession(db.prisma, session.id, 'test', { dispatch })).toBe(false);
      expect(calls).toHaveLength(0);
      const failed = await db.prisma.session.findUniqueOrThrow({ where: { id: session.id } });
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/no longer ready/);
    } finally {
      await db.prisma.avatar.update({ where: { id: avatarId }, data: { status: 'ready' } });
    }
  });
});
