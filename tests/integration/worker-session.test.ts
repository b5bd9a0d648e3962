/**
 * One avatar session end to end, with everything real: livekit-server, the worker host as a
 * child process, its session process, Flite TTS, and a viewer subscribing with rtc-node.
 * Runs inside the test network namespace (see support/network.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrackKind, dispose } from '@livekit/rtc-node';
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVATAR_IDENTITY, CONTROL_TOPIC } from '../../protocol/room-control';
import { type SessionRequest } from '../../protocol/session-request';
import { writeSyntheticAvatar } from '../../worker/testing/synthetic-avatar';
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

/** RMS (16-bit units) above which received audio counts as speech; Opus silence is ~0. */
const SPEECH_RMS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('worker session end to end', () => {
  let livekit: LivekitServer;
  let worker: WorkerHost;
  let viewer: Subscriber;
  let video: VideoRecorder;
  let audio: AudioRecorder;
  let roomService: RoomServiceClient;
  let tmpDir: string;
  const roomName = `it-room-${Math.random().toString(36).slice(2, 8)}`;
  const sessionId = `it-session-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    assertTestNamespace();
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-it-'));
    livekit = await startLivekitServer();
    roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    worker = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      // Every other suite publishes the default H.264; this one the other codec a host offers.
      env: { WORKER_VIDEO_CODEC: 'vp8' },
    });
  });

  afterAll(async () => {
    video?.stop();
    audio?.stop();
    await viewer?.leave().catch(() => undefined);
    const code = worker ? await worker.stop() : 0;
    await livekit?.stop();
    await dispose();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
    // The host drains its sessions and exits cleanly on SIGTERM.
    expect(code).toBe(0);
  });

  it('starts a session that joins the room', async () => {
    const avatar = await writeSyntheticAvatar(path.join(tmpDir, 'avatar.png'));
    const request: SessionRequest = { sessionId, roomName, avatar };
    const started = performance.now();
    const res = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as unknown;
    expect(res.status, JSON.stringify(body) + worker.output().slice(-3000)).toBe(201);
    expect(body).toMatchObject({ sessionId, render: { renderer: 'builtin' } });
    console.log(
      `session start (POST → avatar publishing): ${Math.round(performance.now() - started)} ms`,
    );

    const again = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify(request),
    });
    expect(again.status).toBe(409);

    viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'viewer-1' });
    const videoTrack = await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO);
    const audioTrack = await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_AUDIO);
    video = viewer.recordVideo(videoTrack);
    audio = viewer.recordAudio(audioTrack);
  });

  it('streams at least 20 video frames per second while idle', async () => {
    await waitUntil(() => video.frameTimesMs.length > 0, 10_000, 'first video frame');
    // Let the encoder ramp up before measuring.
    await sleep(1_000);
    const from = video.frameTimesMs.length;
    const started = performance.now();
    await sleep(5_000);
    const fps = ((video.frameTimesMs.length - from) * 1000) / (performance.now() - started);
    console.log(`measured video fps (idle, 5 s): ${fps.toFixed(1)}`);
    expect(fps).toBeGreaterThanOrEqual(20);
    expect(worker.output()).toContain('"codec":"vp8"');
    const idleAudio = audio.levels.filter((l) => l.atMs > started);
    expect(idleAudio.length).toBeGreaterThan(0);
    expect(Math.max(...idleAudio.map((l) => l.rms))).toBeLessThan(SPEECH_RMS);
  });

  it('speaks a control message: audio within 1.5 s, the mouth moves, then silence', async () => {
    const idleFrame = video.latest();
    expect(idleFrame).toBeDefined();
    if (!idleFrame) return;
    const payload = new TextEncoder().encode(
      JSON.stringify({
        type: 'speak',
        text: 'Hello! I am your avatar, and I can talk to you now.',
        interrupt: false,
      }),
    );
    const sentAt = performance.now();
    const framesBefore = video.frameTimesMs.length;
    await roomService.sendData(roomName, payload, DataPacket_Kind.RELIABLE, {
      topic: CONTROL_TOPIC,
      destinationIdentities: [AVATAR_IDENTITY],
    });

    await waitUntil(
      () => audio.levels.some((l) => l.atMs > sentAt && l.rms > SPEECH_RMS),
      5_000,
      'speech audio',
    );
    const firstLoud = audio.levels.find((l) => l.atMs > sentAt && l.rms > SPEECH_RMS);
    const latencyMs = (firstLoud?.atMs ?? Infinity) - sentAt;
    console.log(`speak-to-first-audio latency: ${Math.round(latencyMs)} ms`);
    expect(latencyMs).toBeLessThan(1_500);

    // Sample frames while speaking; the mouth region must differ from idle far more than
    // a region away from the face does (which only differs by codec noise).
    const { mouth: bestMouthDiff, far: farDiffAtBest } = await mouthMovement(
      () => video.latest(),
      idleFrame,
      25,
    );
    console.log(
      `mouth region diff while speaking: ${bestMouthDiff.toFixed(1)} (far region ${farDiffAtBest.toFixed(1)})`,
    );
    expect(bestMouthDiff).toBeGreaterThan(8);
    expect(bestMouthDiff).toBeGreaterThan(farDiffAtBest * 4 + 2);
    expect(video.frameTimesMs.length - framesBefore).toBeGreaterThan(40);

    // The sentence lasts ~3.5 s; afterwards a full second of silence.
    await waitUntil(
      () => {
        const recent = audio.levels.filter((l) => l.atMs > performance.now() - 1_000);
        const sinceSpeech = performance.now() - sentAt;
        return sinceSpeech > 2_000 && recent.length > 20 && recent.every((l) => l.rms < SPEECH_RMS);
      },
      15_000,
      'silence after speech',
    );
  });

  it('interrupt stops speech at once', async () => {
    const long = 'This is a long announcement that would go on for quite a while. '.repeat(4);
    const send = (message: unknown) =>
      roomService.sendData(
        roomName,
        new TextEncoder().encode(JSON.stringify(message)),
        DataPacket_Kind.RELIABLE,
        {
          topic: CONTROL_TOPIC,
          destinationIdentities: [AVATAR_IDENTITY],
        },
      );
    const sentAt = performance.now();
    await send({ type: 'speak', text: long });
    await waitUntil(
      () => audio.levels.some((l) => l.atMs > sentAt && l.rms > SPEECH_RMS),
      5_000,
      'speech audio',
    );
    await sleep(500);
    const interruptedAt = performance.now();
    await send({ type: 'interrupt' });
    await waitUntil(
      () => {
        const recent = audio.levels.filter((l) => l.atMs > performance.now() - 500);
        return recent.length > 10 && recent.every((l) => l.rms < SPEECH_RMS);
      },
      3_000,
      'silence after interrupt',
    );
    console.log(
      `interrupt-to-silence (incl. 500 ms quiet window): ${Math.round(performance.now() - interruptedAt)} ms`,
    );
  });

  it('speaks chat text sent by a viewer', async () => {
    const sentAt = performance.now();
    await viewer.sendText('Can you hear me?', 'lk.chat');
    await waitUntil(
      () => audio.levels.some((l) => l.atMs > sentAt && l.rms > SPEECH_RMS),
      5_000,
      'speech audio for chat',
    );
  });

  it('ends the session when the room is deleted', async () => {
    await roomService.deleteRoom(roomName);
    await waitUntil(
      async () => {
        const res = await worker.request('/sessions');
        const body = (await res.json()) as { sessions: unknown[] };
        return body.sessions.length === 0;
      },
      10_000,
      'session removed after room deletion',
    );
    const health = (await (await fetch(`${worker.baseUrl}/health`)).json()) as { active: number };
    expect(health.active).toBe(0);
  });
});
