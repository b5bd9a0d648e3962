/**
 * An uploaded clip played by the avatar, end to end with everything real but the app:
 * livekit-server, the worker host and its session process, an rtc-node viewer. A local HTTP
 * server stands in for the app's clip route (GET /api/internal/clips/:token) and a stand-in
 * of its events endpoint records what the session reports. Runs in the test network namespace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TrackKind, dispose } from '@livekit/rtc-node';
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVATAR_IDENTITY, CONTROL_TOPIC, type ControlMessage } from '../../protocol/room-control';
import type { SessionEvent } from '../../protocol/session-events';
import type { SessionRequest } from '../../protocol/session-request';
import { writeSyntheticAvatar } from '../../worker/testing/synthetic-avatar';
import { encodeWav } from '../../worker/tts/wav';
import { SPEECH_RMS, firstLoudAfter } from './support/audio-timing';
import { startEventsEndpoint, type EventsEndpoint } from './support/events-endpoint';
import { mouthMovement } from './support/frame-diff';
import { startLivekitServer, type LivekitServer } from './support/livekit-server';
import { assertTestNamespace } from './support/network';
import { waitUntil } from './support/ports';
import {
  joinAsSubscriber,
  type AudioRecorder,
  type Subscriber,
  type VideoRecorder,
} from './support/subscriber';
import { startWorkerHost, type WorkerHost } from './support/worker-host';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The clip: 2 s of a 220 Hz tone swelling like syllables at 4 Hz, never silent, 16 kHz. */
const CLIP_MS = 2_000;
const CLIP = encodeWav(
  Int16Array.from({ length: (16_000 * CLIP_MS) / 1000 }, (_, i) => {
    const t = i / 16_000;
    const envelope = 0.35 + 0.65 * Math.abs(Math.sin(2 * Math.PI * 2 * t));
    return Math.round(12_000 * envelope * Math.sin(2 * Math.PI * 220 * t));
  }),
  16_000,
);

describe('speak audio end to end', () => {
  let livekit: LivekitServer;
  let worker: WorkerHost;
  let app: EventsEndpoint;
  let clips: Server;
  let clipBase: string;
  const clipRequests: string[] = [];
  let viewer: Subscriber;
  let audio: AudioRecorder;
  let video: VideoRecorder;
  let rooms: RoomServiceClient;
  let tmpDir: string;
  const roomName = `it-clip-${Math.random().toString(36).slice(2, 8)}`;
  const sessionId = `it-clip-session-${Math.random().toString(36).slice(2, 8)}`;
  const secret = `it-secret-${Math.random().toString(36).slice(2)}`;

  const send = (message: ControlMessage) =>
    rooms.sendData(
      roomName,
      new TextEncoder().encode(JSON.stringify(message)),
      DataPacket_Kind.RELIABLE,
      { topic: CONTROL_TOPIC, destinationIdentities: [AVATAR_IDENTITY] },
    );
  const eventsOf = <T extends SessionEvent['type']>(type: T) =>
    app.events
      .filter((e) => e.sessionId === sessionId && e.event.type === type)
      .map((e) => e.event as Extract<SessionEvent, { type: T }>);

  beforeAll(async () => {
    assertTestNamespace();
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-clip-'));
    // The app's clip route, as far as the worker sees it: a WAV once, then 404; not WAVE.
    clips = createServer((req, res) => {
      clipRequests.push(req.url ?? '');
      const served = clipRequests.filter((url) => url === req.url).length > 1;
      if (req.url === '/api/internal/clips/tone' && !served)
        res.writeHead(200, { 'content-type': 'audio/wav' }).end(CLIP);
      else if (req.url === '/api/internal/clips/text')
        res.writeHead(200, { 'content-type': 'text/plain' }).end('not a clip');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => clips.listen(0, '127.0.0.1', resolve));
    clipBase = `http://127.0.0.1:${(clips.address() as AddressInfo).port}/api/internal/clips`;
    [livekit, app] = await Promise.all([
      startLivekitServer(),
      startEventsEndpoint({ workerSecret: secret }),
    ]);
    rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    worker = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      secret,
      appUrl: app.url,
    });
    const avatar = await writeSyntheticAvatar(path.join(tmpDir, 'avatar.png'));
    const request: SessionRequest = { sessionId, roomName, avatar };
    const res = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify(request),
    });
    expect(res.status, worker.output().slice(-3000)).toBe(201);
    viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'viewer-1' });
    video = viewer.recordVideo(await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO));
    audio = viewer.recordAudio(await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_AUDIO));
    await waitUntil(() => video.latest() !== undefined, 10_000, 'first video frame');
    await sleep(1_000);
  });

  afterAll(async () => {
    audio?.stop();
    video?.stop();
    await viewer?.leave().catch(() => undefined);
    await worker?.stop();
    await Promise.all([livekit?.stop(), app?.close()]);
    if (clips) {
      clips.closeAllConnections();
      await new Promise((resolve) => clips.close(resolve));
    }
    await dispose();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  });

  it('plays the clip: heard for its length, the mouth moves, an [audio clip] turn', async () => {
    const idleFrame = video.latest()!;
    const sentAt = performance.now();
    await send({
      type: 'playAudio',
      url: `${clipBase}/tone`,
      interrupt: false,
      durationMs: CLIP_MS,
    });
    await waitUntil(() => firstLoudAfter(audio.levels, sentAt) !== undefined, 5_000, 'clip audio');
    const heardAt = firstLoudAfter(audio.levels, sentAt)!;
    console.log(`playAudio → audible at the viewer: ${Math.round(heardAt - sentAt)} ms`);
    expect(heardAt - sentAt).toBeLessThan(1_500);

    // The mouth follows the clip: it differs from idle far more than a far corner does.
    const { mouth: bestMouthDiff, far: farDiffAtBest } = await mouthMovement(
      () => video.latest(),
      idleFrame,
      15,
    );
    console.log(
      `mouth region diff while the clip plays: ${bestMouthDiff.toFixed(1)} (far ${farDiffAtBest.toFixed(1)})`,
    );
    expect(bestMouthDiff).toBeGreaterThan(8);
    expect(bestMouthDiff).toBeGreaterThan(farDiffAtBest * 4 + 2);

    // Heard for about the clip's length, then silence.
    await waitUntil(() => eventsOf('speech.ended').length > 0, 10_000, 'the clip to end');
    await sleep(700);
    const loud = audio.levels.filter((l) => l.atMs >= heardAt && l.rms > SPEECH_RMS);
    const heardMs = loud.at(-1)!.atMs - heardAt;
    console.log(`clip of ${CLIP_MS} ms heard for ${Math.round(heardMs)} ms`);
    expect(heardMs).toBeGreaterThan(CLIP_MS - 250);
    expect(heardMs).toBeLessThan(CLIP_MS + 400);
    const recent = audio.levels.filter((l) => l.atMs > performance.now() - 400);
    expect(recent.every((l) => l.rms < SPEECH_RMS)).toBe(true);

    expect(clipRequests.filter((url) => url.endsWith('/tone'))).toHaveLength(1);
    expect(eventsOf('speech.started')[0]).toMatchObject({ text: '[audio clip]' });
    expect(eventsOf('speech.ended')[0]).toMatchObject({
      text: '[audio clip]',
      interrupted: false,
    });
    expect(eventsOf('state').map((e) => e.state)).toEqual(
      expect.arrayContaining(['speaking', 'idle']),
    );
  });

  it('a clip that cannot be fetched or read: audio_invalid events, nothing heard, the session goes on', async () => {
    const sentAt = performance.now();
    for (const url of [`${clipBase}/tone`, `${clipBase}/text`, 'http://127.0.0.1:9/clip']) {
      await send({ type: 'playAudio', url, interrupt: false, durationMs: 1_000 });
    }
    await waitUntil(() => eventsOf('error').length >= 3, 15_000, 'three audio_invalid errors');
    const errors = eventsOf('error');
    expect(errors.every((e) => e.code === 'audio_invalid')).toBe(true);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/HTTP 404/);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/not a WAVE file/);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/could not be fetched/);
    await sleep(500);
    expect(firstLoudAfter(audio.levels, sentAt)).toBeUndefined();

    // Still alive: it speaks.
    const spokeAt = performance.now();
    await send({ type: 'speak', text: 'Still here.', interrupt: false });
    await waitUntil(
      () => firstLoudAfter(audio.levels, spokeAt) !== undefined,
      5_000,
      'speech after the failed clips',
    );
  });
});
