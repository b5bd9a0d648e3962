/**
 * The control plane's session services against the real thing: a migrated database, a real
 * avatar prepared from the demo portrait, livekit-server, and a worker host registered with
 * it as an agent worker and reporting to the app's report handler. Starting a session
 * dispatches it through LiveKit; the host's report makes it live; the avatar appears in the
 * room for a viewer holding the app's own viewer token; speak() makes it talk; stopSession()
 * closes the room and ends the session.
 * Runs inside the test network namespace (see support/network.ts).
 */
import { TrackKind, dispose } from '@livekit/rtc-node';
import type { Avatar } from '@prisma/client';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../lib/testing/test-database';
import { AVATAR_IDENTITY } from '../../protocol/room-control';
import { startLivekitServer, type LivekitServer } from './support/livekit-server';
import { startReportEndpoint, type ReportEndpoint } from './support/report-endpoint';
import { assertTestNamespace } from './support/network';
import { waitUntil } from './support/ports';
import { joinAsSubscriber, type Subscriber } from './support/subscriber';
import { startWorkerHost, type WorkerHost } from './support/worker-host';

const SPEECH_RMS = 300;
const MB = 1024 * 1024;

describe('session lifecycle through lib/sessions', () => {
  let livekit: LivekitServer;
  let worker: WorkerHost;
  let db: TestDatabase;
  let rooms: RoomServiceClient;
  let ownerId: string;
  let otherId: string;
  let avatar: Avatar;
  let viewer: Subscriber | undefined;
  let reports: ReportEndpoint;
  const workerSecret = `it-worker-secret-${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    assertTestNamespace();
    livekit = await startLivekitServer();
    db = await createTestDatabase();
    reports = await startReportEndpoint({ prisma: () => db.prisma, workerSecret });
    worker = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      secret: workerSecret,
      appUrl: reports.url,
      // Dispatched sessions may read only the data directory the app prepares avatars in.
      env: { FACECAST_DATA_DIR: db.dataDir },
    });
    Object.assign(process.env, {
      AUTH_SECRET: 'integration-auth-secret-integration-auth-secret',
      WORKER_SECRET: workerSecret,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      LOG_LEVEL: 'error', // the worker-down case logs expected warnings
    });
    rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    const { createUser } = await import('../../lib/users/create-user');
    const { createAvatar } = await import('../../lib/avatars/create-avatar');
    const { loadDemoPortrait } = await import('../../lib/avatars/demo-portrait');
    ownerId = (await createUser(db.prisma, { email: 'owner@example.com', password: 'password-1' }))
      .id;
    otherId = (await createUser(db.prisma, { email: 'other@example.com', password: 'password-2' }))
      .id;
    avatar = await createAvatar(db.prisma, {
      userId: ownerId,
      name: 'Presenter',
      image: await loadDemoPortrait(),
      dataDir: db.dataDir,
      maxBytes: 20 * MB,
      waitForPreparation: true,
    });
    expect(avatar.status).toBe('ready');
  }, 180_000);

  afterAll(async () => {
    await viewer?.leave();
    await worker?.stop();
    await reports?.close();
    await livekit?.stop();
    await db?.destroy();
    await dispose();
  });

  it("refuses another user's avatar as not found, creating nothing", async () => {
    const { startSession } = await import('../../lib/sessions/start-session');
    await expect(
      startSession(db.prisma, { userId: otherId, avatarId: avatar.id, dataDir: db.dataDir }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await db.prisma.session.count()).toBe(0);
    expect(await rooms.listRooms()).toHaveLength(0);
  });

  it('waits for the first host report before taking sessions', async () => {
    await waitUntil(() => reports.count() > 0, 15_000, 'a host report');
  });

  it('starts, talks on request, and stops', async () => {
    const { startSession } = await import('../../lib/sessions/start-session');
    const { stopSession } = await import('../../lib/sessions/stop-session');
    const { speak } = await import('../../lib/sessions/speak');
    const { createViewerToken } = await import('../../lib/livekit/livekit');
    const { findLiveSession } = await import('../../lib/sessions/find-session');

    const session = await startSession(db.prisma, {
      userId: ownerId,
      avatarId: avatar.id,
      dataDir: db.dataDir,
    });
    expect(session.status).toBe('live');
    expect((await rooms.listRooms([session.roomName])).map((r) => r.name)).toEqual([
      session.roomName,
    ]);

    // Join with the very token the app hands to viewers.
    const token = await createViewerToken({ roomName: session.roomName, identity: 'viewer-it' });
    viewer = await joinAsSubscriber({
      url: livekit.url,
      token,
      roomName: session.roomName,
      identity: 'viewer-it',
    });
    const video = viewer.recordVideo(
      await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO, 30_000),
    );
    const audio = viewer.recordAudio(
      await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_AUDIO, 30_000),
    );
    await waitUntil(() => video.frameTimesMs.length > 10, 10_000, 'first video frames');
    // Congestion control starts low (WebRTC may send a smaller layer first); full size follows.
    await waitUntil(() => video.latest()?.widthPx === 512, 20_000, 'full-size 512×512 frames');
    expect(video.latest()?.heightPx).toBe(512);

    const sentAt = performance.now();
    await speak(session.roomName, { text: 'Hello from the control plane.', interrupt: false });
    await waitUntil(
      () => audio.levels.some((l) => l.atMs > sentAt && l.rms > SPEECH_RMS),
      5_000,
      'speech audio',
    );
    const firstLoud = audio.levels.find((l) => l.atMs > sentAt && l.rms > SPEECH_RMS)!;
    console.log(
      `speak() → first audible audio at the viewer: ${Math.round(firstLoud.atMs - sentAt)} ms`,
    );
    expect(firstLoud.atMs - sentAt).toBeLessThan(1_500);
    video.stop();
    audio.stop();

    await stopSession(db.prisma, { userId: ownerId, sessionId: session.id });
    const ended = await db.prisma.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(ended.status).toBe('ended');
    expect(ended.endedAt).not.toBeNull();
    expect(await rooms.listRooms([session.roomName])).toHaveLength(0);
    await waitUntil(
      async () =>
        ((await (await worker.request('/sessions')).json()) as { sessions: unknown[] }).sessions
          .length === 0,
      10_000,
      'worker session to end',
    );
    await expect(findLiveSession(db.prisma, ownerId, session.id)).rejects.toMatchObject({
      status: 409,
    });
    // Stopping twice is harmless.
    await expect(
      stopSession(db.prisma, { userId: ownerId, sessionId: session.id }),
    ).resolves.toMatchObject({
      status: 'ended',
    });
  }, 120_000);

  it('refuses with 503 and Retry-After, creating nothing, when no worker host has room', async () => {
    const { startSession } = await import('../../lib/sessions/start-session');
    // A stopping host drains: its last report says so, and the pool has no room left.
    await worker.stop();
    const sessionsBefore = await db.prisma.session.count();
    const roomsBefore = (await rooms.listRooms()).length;
    const error = await startSession(db.prisma, {
      userId: ownerId,
      avatarId: avatar.id,
      dataDir: db.dataDir,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, headers: { 'retry-after': '10' } });
    expect((error as Error).message).toMatch(/worker host/i);
    expect(await db.prisma.session.count()).toBe(sessionsBefore);
    expect(await rooms.listRooms()).toHaveLength(roomsBefore);
  }, 60_000);
});
