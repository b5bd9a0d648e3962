/**
 * The worker pool with everything real: livekit-server placing agent dispatches, several
 * worker hosts (real processes with real session processes), the app's session services on a
 * migrated test database, the hosts reporting to the app's report handler, and the app's host
 * monitor. Sessions spread over hosts, a killed session process comes back in the same room,
 * a killed host's sessions move to another host, SIGTERM drains and hands sessions back, a
 * full pool answers 503 with Retry-After, and /metrics carries real figures.
 * Runs inside the test network namespace (see support/network.ts).
 */
import { TrackKind, dispose, type RemoteTrack } from '@livekit/rtc-node';
import type { Avatar, Session } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../lib/testing/test-database';
import { AVATAR_IDENTITY } from '../../protocol/room-control';
import { startLivekitServer, type LivekitServer } from './support/livekit-server';
import { assertTestNamespace } from './support/network';
import { waitUntil } from './support/ports';
import { startReportEndpoint, type ReportEndpoint } from './support/report-endpoint';
import { joinAsSubscriber, type Subscriber, type VideoRecorder } from './support/subscriber';
import { startWorkerHost, type WorkerHost } from './support/worker-host';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface HostSessions {
  sessions: { sessionId: string; pid: number; state: string; restarts: number }[];
}

async function hostSessions(host: WorkerHost): Promise<HostSessions['sessions']> {
  return ((await (await host.request('/sessions')).json()) as HostSessions).sessions;
}

/** The value of one series in Prometheus text output (labels given must all match). */
function metric(text: string, name: string, labels: Record<string, string> = {}): number[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

describe('worker pool across hosts', () => {
  let livekit: LivekitServer;
  let db: TestDatabase;
  let reports: ReportEndpoint;
  const hosts: WorkerHost[] = [];
  let avatar: Avatar;
  let userId: string;
  let monitor: ReturnType<typeof setInterval> | undefined;
  let viewer: Subscriber | undefined;
  let viewerRoom: string | undefined;
  let video: VideoRecorder | undefined;
  let track: RemoteTrack | undefined;
  const sessions: Session[] = [];
  const workerSecret = `it-pool-secret-${Math.random().toString(36).slice(2)}`;

  const startHost = async (name: string, env: Record<string, string> = {}) => {
    const host = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      maxSessions: 2,
      secret: workerSecret,
      appUrl: reports.url,
      env: { WORKER_NAME: name, WORKER_PREWARM: '1', ...env },
    });
    hosts.push(host);
    // Taking sessions once the app has heard from it.
    await waitUntil(
      async () => (await db.prisma.workerHost.findUnique({ where: { id: name } })) !== null,
      15_000,
      `${name} to report`,
    );
    return host;
  };

  const start = async () => {
    const { startSession } = await import('../../lib/sessions/start-session');
    const session = await startSession(db.prisma, {
      userId,
      avatarId: avatar.id,
      dataDir: db.dataDir,
    });
    expect(session.status).toBe('live');
    sessions.push(session);
    return session;
  };

  const row = (sessionId: string) =>
    db.prisma.session.findUniqueOrThrow({ where: { id: sessionId } });

  beforeAll(async () => {
    assertTestNamespace();
    livekit = await startLivekitServer();
    db = await createTestDatabase();
    reports = await startReportEndpoint({ prisma: () => db.prisma, workerSecret });
    Object.assign(process.env, {
      AUTH_SECRET: 'integration-auth-secret-integration-auth-secret',
      WORKER_SECRET: workerSecret,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      // Re-dispatches rebuild the session request from the avatar files found here.
      FACECAST_DATA_DIR: db.dataDir,
      LOG_LEVEL: 'error',
    });
    const { createUser } = await import('../../lib/users/create-user');
    const { createAvatar } = await import('../../lib/avatars/create-avatar');
    const { loadDemoPortrait } = await import('../../lib/avatars/demo-portrait');
    userId = (await createUser(db.prisma, { email: 'pool@example.com', password: 'password-1' }))
      .id;
    // The pool is filled past its five slots by one account: an admin's override lifts the
    // per-user concurrent-session quota (default 3) for it.
    await db.prisma.user.update({ where: { id: userId }, data: { maxConcurrentSessions: 20 } });
    avatar = await createAvatar(db.prisma, {
      userId,
      name: 'Pool presenter',
      image: await loadDemoPortrait(),
      dataDir: db.dataDir,
      maxBytes: 20 * MB,
      waitForPreparation: true,
    });
    // The app's host monitor, as instrumentation.ts runs it, on a shorter period.
    const { checkHosts } = await import('../../lib/workers/host-monitor');
    monitor = setInterval(() => {
      void checkHosts(db.prisma, new Date())
        .then((result) => {
          if (result.lostHosts.length + result.redispatched.length + result.failed.length > 0)
            console.log(`host monitor: ${JSON.stringify(result)}`);
        })
        .catch((error: unknown) => console.log(`host monitor failed: ${String(error)}`));
    }, 500);
    await startHost('host-a');
    await startHost('host-b');
  }, 180_000);

  afterAll(async () => {
    clearInterval(monitor);
    video?.stop();
    await viewer?.leave();
    await Promise.allSettled(hosts.map((host) => host.stop()));
    await reports?.close();
    await livekit?.stop();
    await db?.destroy();
    await dispose();
  });

  it('places sessions on both hosts through LiveKit dispatch, then refuses with 503', async () => {
    for (let i = 0; i < 4; i++) await start();
    const [a, b] = [await hostSessions(hosts[0]!), await hostSessions(hosts[1]!)];
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    for (const session of sessions) {
      expect((await row(session.id)).workerHostId).toMatch(/^host-[ab]$/);
    }
    // Both hosts are full: no slot left in the pool.
    const { startSession } = await import('../../lib/sessions/start-session');
    const before = await db.prisma.session.count();
    const error = await startSession(db.prisma, {
      userId,
      avatarId: avatar.id,
      dataDir: db.dataDir,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, headers: { 'retry-after': '10' } });
    expect((error as Error).message).toMatch(/Every avatar slot is in use \(4 of 4\)/);
    expect(await db.prisma.session.count()).toBe(before);
  }, 120_000);

  it('serves /metrics with the real figures of its sessions and processes', async () => {
    const [first] = await hostSessions(hosts[0]!);
    await sleep(1_500); // at least one stats message per session
    const text = await (await fetch(`${hosts[0]!.baseUrl}/metrics`)).text();
    expect(metric(text, 'facecast_sessions_active')).toEqual([2]);
    expect(metric(text, 'facecast_sessions_capacity')).toEqual([2]);
    expect(metric(text, 'facecast_processes_prewarmed')[0]).toBeGreaterThanOrEqual(0);
    const rendered = metric(text, 'facecast_session_frames_rendered_total', {
      session: first!.sessionId,
    });
    expect(rendered[0]).toBeGreaterThan(10);
    expect(metric(text, 'facecast_session_fps', { session: first!.sessionId })[0]).toBeGreaterThan(
      15,
    );
    expect(metric(text, 'facecast_render_seconds_count')[0]).toBeGreaterThan(10);
    const pss = metric(text, 'facecast_process_pss_bytes', { role: 'session' });
    expect(pss).toHaveLength(2);
    for (const bytes of pss) expect(bytes).toBeGreaterThan(10 * MB);
    expect(metric(text, 'facecast_process_cpu_percent', { role: 'host' })).toHaveLength(1);
    expect(metric(text, 'facecast_process_restarts_total', { reason: 'crash' })).toEqual([0]);
  }, 30_000);

  it('brings a killed session process back in the same room within 3 s', async () => {
    const [target] = await hostSessions(hosts[0]!);
    const session = sessions.find((s) => s.id === target!.sessionId)!;
    const { createViewerToken } = await import('../../lib/livekit/livekit');
    const token = await createViewerToken({ roomName: session.roomName, identity: 'pool-viewer' });
    viewer = await joinAsSubscriber({ url: livekit.url, token, identity: 'pool-viewer' });
    viewerRoom = session.roomName;
    track = await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO, 30_000);
    video = viewer.recordVideo(track);
    await waitUntil(() => video!.frameTimesMs.length > 10, 10_000, 'frames before the kill');

    process.kill(target!.pid, 'SIGKILL');
    const killedAt = performance.now();
    // A new avatar participant publishes a new track; follow it.
    track = await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO, 15_000, {
      not: track,
    });
    video.stop();
    video = viewer.recordVideo(track);
    await waitUntil(() => video!.frameTimesMs.length > 0, 15_000, 'frames after the restart');
    const recoveryMs = video.frameTimesMs[0]! - killedAt;
    console.log(`kill -9 of a session process → first frame again: ${Math.round(recoveryMs)} ms`);
    expect(recoveryMs).toBeLessThan(3_000);

    const [after] = (await hostSessions(hosts[0]!)).filter((s) => s.sessionId === session.id);
    expect(after).toMatchObject({ state: 'running', restarts: 1 });
    expect(after!.pid).not.toBe(target!.pid);
    await waitUntil(async () => (await row(session.id)).restarts === 1, 5_000, 'restart reported');
    // LiveKit ends the crashed process's job when its participant leaves: that must not stop
    // the restarted session (it did once, five seconds later, at the stop deadline).
    await sleep(6_000);
    const later = (await hostSessions(hosts[0]!)).find((s) => s.sessionId === session.id);
    expect(later).toMatchObject({ state: 'running', restarts: 1, pid: after!.pid });
    const framesBefore = video.frameTimesMs.length;
    await sleep(1_000);
    expect(video.frameTimesMs.length - framesBefore).toBeGreaterThan(15);
    const text = await (await fetch(`${hosts[0]!.baseUrl}/metrics`)).text();
    expect(metric(text, 'facecast_process_restarts_total', { reason: 'crash' })).toEqual([1]);
  }, 90_000);

  it("moves a killed host's sessions to another host within 10 s", async () => {
    const { stopSession } = await import('../../lib/sessions/stop-session');
    // Make room on host B for host A's two sessions.
    for (const s of await hostSessions(hosts[1]!)) {
      await stopSession(db.prisma, { userId, sessionId: s.sessionId });
    }
    await waitUntil(async () => (await hostSessions(hosts[1]!)).length === 0, 10_000, 'B empty');
    await waitUntil(
      async () =>
        (await db.prisma.workerHost.findUniqueOrThrow({ where: { id: 'host-b' } })).active === 0,
      10_000,
      'B reported empty',
    );
    const moving = (await hostSessions(hosts[0]!)).map((s) => s.sessionId);
    expect(moving).toHaveLength(2);

    hosts[0]!.kill('SIGKILL');
    const killedAt = Date.now();
    await waitUntil(
      async () => {
        const b = await hostSessions(hosts[1]!);
        return moving.every((id) => b.some((s) => s.sessionId === id && s.state === 'running'));
      },
      12_000,
      "host A's sessions running on host B",
    );
    const movedMs = Date.now() - killedAt;
    console.log(`kill -9 of a worker host → its sessions running on another: ${movedMs} ms`);
    expect(movedMs).toBeLessThan(10_000);
    for (const id of moving) {
      await waitUntil(
        async () => {
          const r = await row(id);
          return r.status === 'live' && r.workerHostId === 'host-b';
        },
        5_000,
        'moved session live on host B',
      );
    }
    // The viewer in one of those rooms sees the avatar again.
    const watched = sessions.find((s) => s.roomName === viewerRoom);
    if (viewer && watched && moving.includes(watched.id)) {
      track = await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO, 15_000, {
        not: track,
      });
      video?.stop();
      video = viewer.recordVideo(track);
      await waitUntil(() => video!.frameTimesMs.length > 0, 10_000, 'frames from host B');
    }
  }, 60_000);

  it('drains on SIGTERM: hands its sessions back, which move to another host, and exits 0', async () => {
    const hostB = hosts[1]!;
    const moving = (await hostSessions(hostB)).map((s) => s.sessionId);
    expect(moving).toHaveLength(2);
    await startHost('host-c');
    const hostC = hosts[2]!;
    hostB.kill('SIGTERM');
    const code = await hostB.exited;
    expect(code).toBe(0);
    await waitUntil(
      async () => {
        const c = await hostSessions(hostC);
        return moving.every((id) => c.some((s) => s.sessionId === id && s.state === 'running'));
      },
      15_000,
      "host B's sessions running on host C",
    );
    const drained = await db.prisma.workerHost.findUniqueOrThrow({ where: { id: 'host-b' } });
    expect(['draining', 'lost']).toContain(drained.state);
  }, 90_000);
});
