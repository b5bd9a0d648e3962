/**
 * A Facecast session as the face of a LiveKit Agent, speaking the agent's avatar protocol
 * (docs/livekit-agents.md) with everything real: livekit-server, the worker host and its
 * session process, and two rtc-node participants. The test agent here sends what
 * `DataStreamAudioOutput` sends (byte streams on `lk.audio_stream`, `lk.clear_buffer`) with
 * rtc-node's own calls; the plugin's tests run `@livekit/agents` itself. A third participant
 * watches and listens. Runs in the test network namespace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Room, TrackKind, dispose, type RpcInvocationData } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRequest } from '../../protocol/session-request';
import { createResampler } from '../../worker/audio/resample';
import { writeSyntheticAvatar } from '../../worker/testing/synthetic-avatar';
import { createFliteTts } from '../../worker/tts/flite-tts';
import { SPEECH_RMS, firstLoudAfter, silenceAfter } from './support/audio-timing';
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
const AGENT = 'test-agent';
const FACE = 'facecast-face';
/** The agent's TTS rate: agents send 24 kHz (OpenAI, Cartesia); the face plays 16 kHz. */
const AGENT_RATE_HZ = 24_000;

interface Finished {
  playback_position: number;
  interrupted: boolean;
  synchronized_transcript: null;
}

/** int16 PCM as the little-endian bytes the protocol carries. */
function pcmBytes(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length * 2);
  const view = new DataView(bytes.buffer);
  pcm.forEach((sample, i) => view.setInt16(i * 2, sample, true));
  return bytes;
}

describe('agent face end to end', () => {
  let livekit: LivekitServer;
  let worker: WorkerHost;
  let app: EventsEndpoint;
  let agent: Room;
  let viewer: Subscriber;
  let audio: AudioRecorder;
  let video: VideoRecorder;
  let tmpDir: string;
  const finished: Finished[] = [];
  let started = 0;
  const roomName = `it-agent-${Math.random().toString(36).slice(2, 8)}`;
  const sessionId = `it-agent-session-${Math.random().toString(36).slice(2, 8)}`;
  const secret = `it-secret-${Math.random().toString(36).slice(2)}`;
  /** A Flite sentence at the agent's rate, and its length in seconds. */
  let sentence: Int16Array;
  let sentenceSeconds: number;

  const token = async (identity: string, attributes?: Record<string, string>) => {
    const at = new AccessToken(livekit.apiKey, livekit.apiSecret, {
      identity,
      ...(attributes ? { attributes } : {}),
    });
    at.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true });
    if (attributes) at.kind = 'agent';
    return at.toJwt();
  };

  /** Sends one segment as DataStreamAudioOutput does: 20 ms chunks, then the stream closes. */
  const sendSegment = async (
    pcm: Int16Array,
    attributes: Record<string, string> = {
      sample_rate: String(AGENT_RATE_HZ),
      num_channels: '1',
    },
  ) => {
    const writer = await agent.localParticipant!.streamBytes({
      name: `AUDIO_${Math.random().toString(36).slice(2, 8)}`,
      topic: 'lk.audio_stream',
      destinationIdentities: [FACE],
      attributes,
    });
    const chunk = (AGENT_RATE_HZ / 1000) * 20;
    for (let at = 0; at < pcm.length; at += chunk) {
      await writer.write(pcmBytes(pcm.subarray(at, at + chunk)));
    }
    await writer.close();
  };

  const clearBuffer = (from: Room = agent) =>
    from.localParticipant!.performRpc({
      destinationIdentity: FACE,
      method: 'lk.clear_buffer',
      payload: '',
    });

  beforeAll(async () => {
    assertTestNamespace();
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-agent-'));
    const flite = createFliteTts();
    const spoken = flite.synthesize(
      'Hello, I am the face of your agent, and I speak what it sends me.',
    );
    flite.close();
    sentence = createResampler(spoken.sampleRateHz, AGENT_RATE_HZ).resample(spoken.pcm);
    sentenceSeconds = sentence.length / AGENT_RATE_HZ;

    [livekit, app] = await Promise.all([
      startLivekitServer(),
      startEventsEndpoint({ workerSecret: secret }),
    ]);
    worker = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      secret,
      appUrl: app.url,
    });
    agent = new Room();
    await agent.connect(livekit.url, await token(AGENT), { autoSubscribe: false, dynacast: false });
    agent.localParticipant!.registerRpcMethod('lk.playback_finished', (data: RpcInvocationData) => {
      if (data.callerIdentity !== FACE) return Promise.resolve('reject');
      finished.push(JSON.parse(data.payload) as Finished);
      return Promise.resolve('ok');
    });
    agent.localParticipant!.registerRpcMethod('lk.playback_started', () => {
      started++;
      return Promise.resolve('ok');
    });

    const avatar = await writeSyntheticAvatar(path.join(tmpDir, 'avatar.png'));
    const request: SessionRequest = {
      sessionId,
      roomName,
      avatar,
      agent: {
        livekitUrl: livekit.url,
        token: await token(FACE, { 'lk.publish_on_behalf': AGENT }),
        agentIdentity: AGENT,
      },
    };
    const res = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify(request),
    });
    expect(res.status, worker.output().slice(-3000)).toBe(201);
    viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'viewer-1' });
    video = viewer.recordVideo(await viewer.waitForTrack(FACE, TrackKind.KIND_VIDEO));
    audio = viewer.recordAudio(await viewer.waitForTrack(FACE, TrackKind.KIND_AUDIO));
    await waitUntil(() => video.latest() !== undefined, 10_000, 'first video frame');
    await sleep(1_000);
  });

  afterAll(async () => {
    audio?.stop();
    video?.stop();
    await viewer?.leave().catch(() => undefined);
    await agent?.disconnect().catch(() => undefined);
    await worker?.stop();
    await Promise.all([livekit?.stop(), app?.close()]);
    await dispose();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  });

  it("plays the agent's speech with a moving mouth and reports it finished with its length", async () => {
    const idleFrame = video.latest()!;
    const sentAt = performance.now();
    await sendSegment(sentence);
    await waitUntil(() => firstLoudAfter(audio.levels, sentAt) !== undefined, 5_000, 'speech');
    const heardAt = firstLoudAfter(audio.levels, sentAt)!;
    console.log(`agent segment → audible at the viewer: ${Math.round(heardAt - sentAt)} ms`);
    expect(heardAt - sentAt).toBeLessThan(1_000);

    const { mouth: bestMouthDiff, far: farDiffAtBest } = await mouthMovement(
      () => video.latest(),
      idleFrame,
      15,
    );
    console.log(`mouth diff ${bestMouthDiff.toFixed(1)} (far ${farDiffAtBest.toFixed(1)})`);
    expect(bestMouthDiff).toBeGreaterThan(8);
    expect(bestMouthDiff).toBeGreaterThan(farDiffAtBest * 4 + 2);

    await waitUntil(() => finished.length >= 1, 15_000, 'lk.playback_finished');
    const [report] = finished;
    console.log(
      `playback_finished ${report?.playback_position} s for a ${sentenceSeconds.toFixed(3)} s segment`,
    );
    expect(report?.interrupted).toBe(false);
    expect(report?.synchronized_transcript).toBeNull();
    expect(Math.abs(report!.playback_position - sentenceSeconds)).toBeLessThan(0.1);
    expect(started).toBe(1);
  });

  it('clear_buffer mid-segment: silence within 150 ms, reported interrupted; idle: "ok"', async () => {
    finished.length = 0;
    const long = new Int16Array(sentence.length * 3);
    for (let k = 0; k < 3; k++) long.set(sentence, k * sentence.length);
    const sentAt = performance.now();
    await sendSegment(long);
    await waitUntil(() => firstLoudAfter(audio.levels, sentAt) !== undefined, 5_000, 'speech');
    await sleep(1_500);
    const clearAt = performance.now();
    expect(await clearBuffer()).toBe('ok');
    await waitUntil(() => silenceAfter(audio.levels, clearAt) !== undefined, 5_000, 'silence');
    const silentAt = silenceAfter(audio.levels, clearAt)!;
    console.log(`clear_buffer → silence at the viewer: ${Math.round(silentAt - clearAt)} ms`);
    expect(silentAt - clearAt).toBeLessThan(150);
    await waitUntil(() => finished.length >= 1, 5_000, 'lk.playback_finished after the clear');
    expect(finished[0]?.interrupted).toBe(true);
    expect(finished[0]!.playback_position).toBeGreaterThan(1);
    expect(finished[0]!.playback_position).toBeLessThan(long.length / AGENT_RATE_HZ);

    expect(await clearBuffer()).toBe('ok');
    await sleep(300);
    expect(finished).toHaveLength(1);
  });

  it('refuses strangers and audio it cannot play, reporting each segment once', async () => {
    finished.length = 0;
    const stranger = new Room();
    await stranger.connect(livekit.url, await token('stranger'), {
      autoSubscribe: false,
      dynacast: false,
    });
    try {
      expect(await clearBuffer(stranger)).toBe('reject');
    } finally {
      await stranger.disconnect();
    }
    const sentAt = performance.now();
    await sendSegment(sentence.subarray(0, AGENT_RATE_HZ), { num_channels: '1' });
    await sendSegment(sentence.subarray(0, AGENT_RATE_HZ), {
      sample_rate: String(AGENT_RATE_HZ),
      num_channels: '5',
    });
    await waitUntil(() => finished.length >= 2, 5_000, 'both segments reported');
    expect(finished.map((f) => f.playback_position)).toEqual([0, 0]);
    await sleep(500);
    expect(audio.levels.filter((l) => l.atMs > sentAt && l.rms > SPEECH_RMS)).toEqual([]);
  });

  it('the agent leaving mid-segment: the face leaves without a crash, the host goes on', async () => {
    // A long segment whose stream the agent never closes: it is still speaking, and its
    // audio still arriving, when it leaves.
    const long = new Int16Array(sentence.length * 3);
    for (let k = 0; k < 3; k++) long.set(sentence, k * sentence.length);
    const writer = await agent.localParticipant!.streamBytes({
      name: 'AUDIO_left_mid_segment',
      topic: 'lk.audio_stream',
      destinationIdentities: [FACE],
      attributes: { sample_rate: String(AGENT_RATE_HZ), num_channels: '1' },
    });
    const sentAt = performance.now();
    const chunk = (AGENT_RATE_HZ / 1000) * 20;
    for (let at = 0; at < long.length / 2; at += chunk) {
      await writer.write(pcmBytes(long.subarray(at, at + chunk)));
    }
    await waitUntil(() => firstLoudAfter(audio.levels, sentAt) !== undefined, 5_000, 'speech');
    await sleep(500);
    const logBefore = worker.output().length;
    const leftAt = Date.now();

    await agent.disconnect();
    await waitUntil(
      async () => (await worker.request(`/sessions/${sessionId}`)).status === 404,
      10_000,
      'the session to end',
    );
    // Ended, not crashed: no process died (a crash restarts the session), no error reported,
    // and the host is up and no longer runs it.
    const logAfter = worker.output().slice(logBefore);
    expect(logAfter).toMatch(/agent left the room/);
    expect(logAfter).not.toMatch(/session process died|uncaught|unhandled/i);
    expect(
      app.events.filter(
        (e) => e.sessionId === sessionId && e.event.type === 'error' && e.receivedAtMs >= leftAt,
      ),
    ).toEqual([]);
    const running = await Promise.race([
      worker.exited.then(() => false),
      sleep(100).then(() => true),
    ]);
    expect(running, worker.output().slice(-3000)).toBe(true);
    const list = await worker.request('/sessions');
    expect(list.status).toBe(200);
    const { sessions } = (await list.json()) as { sessions: Array<{ sessionId: string }> };
    expect(sessions.map((entry) => entry.sessionId)).not.toContain(sessionId);
  });
});
