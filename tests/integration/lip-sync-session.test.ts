/**
 * The ONNX lip-sync path end to end: a real session process loads a Wav2Lip-compatible model
 * that this test generates (tiny, never real weights), reports it to the host, and streams;
 * a missing model and a model too slow for the frame rate make the session fall back to the
 * built-in renderer and say why. Runs inside the test network namespace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrackKind, dispose } from '@livekit/rtc-node';
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestLipSyncModel } from '../../protocol/testing/lip-sync-test-model';
import { AVATAR_IDENTITY, CONTROL_TOPIC } from '../../protocol/room-control';
import {
  type PreparedAvatar,
  type SessionRenderStatus,
  type SessionRequest,
} from '../../protocol/session-request';
import { writeSyntheticAvatar } from '../../worker/testing/synthetic-avatar';
import { startLivekitServer, type LivekitServer } from './support/livekit-server';
import { assertTestNamespace } from './support/network';
import { waitUntil } from './support/ports';
import { joinAsSubscriber, type Subscriber } from './support/subscriber';
import { startWorkerHost, type WorkerHost } from './support/worker-host';

describe('ONNX lip-sync sessions', () => {
  let livekit: LivekitServer;
  let worker: WorkerHost;
  let roomService: RoomServiceClient;
  let tmpDir: string;
  let avatar: PreparedAvatar;
  const viewers: Subscriber[] = [];

  beforeAll(async () => {
    assertTestNamespace();
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-lipsync-it-'));
    avatar = await writeSyntheticAvatar(path.join(tmpDir, 'avatar.png'));
    writeFileSync(path.join(tmpDir, 'fast.onnx'), buildTestLipSyncModel({ faceSizePx: 96 }));
    // ~0.8 ms per frame per repeat: 150 repeats are far beyond a 40 ms frame.
    writeFileSync(
      path.join(tmpDir, 'slow.onnx'),
      buildTestLipSyncModel({ faceSizePx: 96, slowRepeats: 150 }),
    );
    livekit = await startLivekitServer();
    roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    worker = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
    });
  });

  afterAll(async () => {
    for (const viewer of viewers) await viewer.leave().catch(() => undefined);
    if (worker) await worker.stop();
    await livekit?.stop();
    await dispose();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  });

  const start = async (name: string, modelFile: string) => {
    const sessionId = `it-lipsync-${name}-${Math.random().toString(36).slice(2, 8)}`;
    const roomName = `room-${sessionId}`;
    const request: SessionRequest = {
      sessionId,
      roomName,
      avatar,
      lipSync: {
        modelPath: path.join(tmpDir, modelFile),
        channelOrder: 'bgr',
        batchSize: 4,
      },
    };
    const res = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as { render?: SessionRenderStatus };
    expect(res.status, JSON.stringify(body) + worker.output().slice(-3000)).toBe(201);
    const status = async () =>
      (
        (await (await worker.request(`/sessions/${sessionId}`)).json()) as {
          render?: SessionRenderStatus;
        }
      ).render;
    const speak = (text: string) =>
      roomService.sendData(
        roomName,
        new TextEncoder().encode(JSON.stringify({ type: 'speak', text })),
        DataPacket_Kind.RELIABLE,
        { topic: CONTROL_TOPIC, destinationIdentities: [AVATAR_IDENTITY] },
      );
    const stop = () => worker.request(`/sessions/${sessionId}`, { method: 'DELETE' });
    return { roomName, started: body.render, status, speak, stop };
  };

  it('renders with a generated model and keeps it while speaking', async () => {
    const session = await start('fast', 'fast.onnx');
    expect(session.started).toEqual({ renderer: 'onnx' });
    const viewer = await joinAsSubscriber({
      ...livekit,
      roomName: session.roomName,
      identity: 'viewer-fast',
    });
    viewers.push(viewer);
    const video = viewer.recordVideo(
      await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO),
    );
    await waitUntil(() => video.frameTimesMs.length > 10, 10_000, 'video frames');
    await session.speak('The quick brown fox jumps over the lazy dog.');
    const from = video.frameTimesMs.length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const fps = (video.frameTimesMs.length - from) / 3;
    console.log(`video fps with the ONNX path while speaking: ${fps.toFixed(1)}`);
    expect(fps).toBeGreaterThanOrEqual(15);
    expect(await session.status()).toEqual({ renderer: 'onnx' });
    video.stop();
    expect((await session.stop()).status).toBe(204);
  });

  it('falls back to the built-in renderer when the model file is missing', async () => {
    const session = await start('missing', 'does-not-exist.onnx');
    expect(session.started?.renderer).toBe('builtin');
    expect(session.started?.notice).toMatch(/Lip-sync model not used/);
    expect((await session.stop()).status).toBe(204);
  });

  it('falls back when the model cannot keep up with the frame rate, and says so', async () => {
    const session = await start('slow', 'slow.onnx');
    expect(session.started).toEqual({ renderer: 'onnx' });
    await session.speak(
      'This sentence is long enough for the lip-sync model to fall behind the video clearly.',
    );
    await waitUntil(
      async () => (await session.status())?.renderer === 'builtin',
      20_000,
      'fallback to the built-in renderer',
    );
    const status = await session.status();
    console.log(`slow model notice: ${status?.notice}`);
    expect(status?.notice).toBeTruthy();
    expect((await session.stop()).status).toBe(204);
  });
});
