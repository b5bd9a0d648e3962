/**
 * An agent's face measured where a user notices it, inside the test namespace: LiveKit
 * server, worker host and session process (the face, request `agent`), a test agent that
 * sends what LiveKit Agents' `DataStreamAudioOutput` sends (byte streams of 24 kHz PCM in
 * 20 ms chunks on `lk.audio_stream`, `lk.clear_buffer`) with rtc-node, and a viewer.
 *
 * - agent_audio_to_avatar_audio: the agent writes a segment's first chunk → the viewer hears
 *   the avatar say it (the rest of the segment follows at the TTS's own pace, 2× real time).
 * - clear_to_silence: `lk.clear_buffer` while the avatar speaks → the viewer's audio falls
 *   silent (and stays so).
 * - avatar_fps: frames per second the viewer receives from the face while it talks.
 * - av_offset: mouth-motion onset minus audio onset at the viewer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Room, TrackKind, dispose } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { insideTestNamespace } from '@/scripts/lib/netns.mjs';
import { firstLoudAfter, waitForSilence } from '@/tests/integration/support/audio-timing';
import { startEventsEndpoint } from '@/tests/integration/support/events-endpoint';
import { startLivekitServer } from '@/tests/integration/support/livekit-server';
import { waitUntil } from '@/tests/integration/support/ports';
import { joinAsSubscriber, type AudioRecorder } from '@/tests/integration/support/subscriber';
import { startWorkerHost } from '@/tests/integration/support/worker-host';
import { createResampler } from '@/worker/audio/resample';
import { writeSyntheticAvatar } from '@/worker/testing/synthetic-avatar';
import { trimLeadingSilence } from '@/worker/session/speech-segment';
import { createFliteTts } from '@/worker/tts/flite-tts';
import { clearRounds, startFace } from './agent-clear';
import { pythonClearRounds, pythonSenderAvailable } from './agent-python';
import { runBenchInNamespace } from './in-namespace';
import { mouthOnsetAfter, recordMouth } from './mouth-probe';
import { percentileMs } from './stats';

const ROUNDS = 10;
const AGENT = 'bench-agent';
const FACE = 'bench-face';
const RATE_HZ = 24_000;
const CHUNK_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pcmBytes(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length * 2);
  const view = new DataView(bytes.buffer);
  pcm.forEach((sample, i) => view.setInt16(i * 2, sample, true));
  return bytes;
}

/** The viewer has heard nothing for 0.8 s. */
const quiet = (audio: AudioRecorder) => waitForSilence(audio.levels, 800, 30_000);

export async function agentBench(): Promise<Record<string, number | string | null>> {
  if (!insideTestNamespace()) return runBenchInNamespace('agent');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-bench-agent-'));
  const secret = `bench-${Math.random().toString(36).slice(2)}`;
  const [livekit, app] = await Promise.all([
    startLivekitServer(),
    startEventsEndpoint({ workerSecret: secret }),
  ]);
  const worker = await startWorkerHost({
    livekitUrl: livekit.url,
    apiKey: livekit.apiKey,
    apiSecret: livekit.apiSecret,
    secret,
    appUrl: app.url,
  });
  const roomName = `bench-agent-${Date.now()}`;
  const token = (identity: string, attributes?: Record<string, string>, room = roomName) => {
    const at = new AccessToken(livekit.apiKey, livekit.apiSecret, {
      identity,
      ...(attributes ? { attributes } : {}),
    });
    at.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true });
    if (attributes) at.kind = 'agent';
    return at.toJwt();
  };
  const agent = new Room();
  try {
    // Sentences that open on a vowel, so sound and mouth start together.
    const flite = createFliteTts();
    const sentences = [
      'Ah, I can help you with that right away.',
      'Oh, that is a very good question to ask.',
      'I think the answer is on the second page.',
    ].map((text) => {
      // Voiced from the first chunk: Flite opens with ~200 ms of silence, which would be
      // counted as latency.
      const spoken = trimLeadingSilence(flite.synthesize(text), 0);
      return createResampler(spoken.sampleRateHz, RATE_HZ).resample(spoken.pcm);
    });
    flite.close();

    await agent.connect(livekit.url, await token(AGENT), {
      autoSubscribe: false,
      dynacast: false,
    });
    const finished: { playback_position: number; interrupted: boolean }[] = [];
    agent.localParticipant!.registerRpcMethod('lk.playback_finished', (data) => {
      finished.push(JSON.parse(data.payload) as (typeof finished)[number]);
      return Promise.resolve('ok');
    });
    const avatar = await writeSyntheticAvatar(path.join(dir, 'avatar.png'));
    await startFace(worker, {
      roomName,
      avatar,
      livekitUrl: livekit.url,
      token: await token(FACE, { 'lk.publish_on_behalf': AGENT }),
      agentIdentity: AGENT,
    });
    const viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'bench-viewer' });
    const audio = viewer.recordAudio(await viewer.waitForTrack(FACE, TrackKind.KIND_AUDIO, 30_000));
    const mouth = recordMouth(await viewer.waitForTrack(FACE, TrackKind.KIND_VIDEO, 30_000));
    await sleep(3_000);

    /** Sends a segment as a TTS produces it (2× real time); resolves when it is all sent. */
    const sendSegment = async (pcm: Int16Array, onFirstChunk: () => void) => {
      const writer = await agent.localParticipant!.streamBytes({
        name: `AUDIO_${Math.random().toString(36).slice(2, 8)}`,
        topic: 'lk.audio_stream',
        destinationIdentities: [FACE],
        attributes: { sample_rate: String(RATE_HZ), num_channels: '1' },
      });
      const chunk = (RATE_HZ / 1000) * CHUNK_MS;
      for (let at = 0; at < pcm.length; at += chunk) {
        if (at === 0) onFirstChunk();
        await writer.write(pcmBytes(pcm.subarray(at, at + chunk)));
        await sleep(CHUNK_MS / 2);
      }
      await writer.close();
    };

    const toAudioMs: number[] = [];
    const avOffsetMs: number[] = [];
    let fpsFrom = 0;
    for (let i = 0; i < ROUNDS; i++) {
      await quiet(audio);
      await sleep(400);
      let sentAt = 0;
      const sending = sendSegment(sentences[i % sentences.length]!, () => {
        sentAt = performance.now();
      });
      await waitUntil(
        () => sentAt > 0 && firstLoudAfter(audio.levels, sentAt) !== undefined,
        5_000,
        'speech',
      );
      const heardAt = firstLoudAfter(audio.levels, sentAt)!;
      toAudioMs.push(heardAt - sentAt);
      if (i === 0) fpsFrom = performance.now();
      await sending;
      await sleep(600);
      const moved = mouthOnsetAfter(mouth.samples, sentAt);
      if (moved !== undefined) avOffsetMs.push(moved - heardAt);
    }
    const fpsTo = performance.now();
    const frames = mouth.samples.filter((s) => s.atMs >= fpsFrom && s.atMs <= fpsTo).length;

    const long = new Int16Array(sentences.reduce((n, s) => n + s.length, 0) * 2);
    let offset = 0;
    for (let k = 0; k < 2; k++)
      for (const s of sentences) {
        long.set(s, offset);
        offset += s.length;
      }
    const node = await clearRounds(audio, worker, {
      speak: () => sendSegment(long, () => undefined),
      clear: async () => {
        const clearedAt = performance.now();
        await agent.localParticipant!.performRpc({
          destinationIdentity: FACE,
          method: 'lk.clear_buffer',
          payload: '',
        });
        return clearedAt;
      },
    });

    audio.stop();
    mouth.stop();
    await viewer.leave();
    // The face ends with its agent (watch-agent.ts), leaving the host to the Python one.
    await agent.disconnect();
    const python = pythonSenderAvailable()
      ? await pythonClearRounds({ livekit, worker, dir, roomName, token, long })
      : undefined;
    const p = percentileMs;
    return {
      rounds: ROUNDS,
      agent_audio_to_avatar_audio_p50_ms: p(toAudioMs, 50),
      agent_audio_to_avatar_audio_p95_ms: p(toAudioMs, 95),
      clear_to_silence_p50_ms: p(node.silenceMs, 50),
      clear_to_silence_p95_ms: p(node.silenceMs, 95),
      clear_to_face_p50_ms: p(node.faceMs, 50),
      clear_to_silence_python_p50_ms: python ? p(python.silenceMs, 50) : null,
      clear_to_silence_python_p95_ms: python ? p(python.silenceMs, 95) : null,
      clear_to_face_python_p50_ms: python ? p(python.faceMs, 50) : null,
      avatar_fps: Math.round((frames / ((fpsTo - fpsFrom) / 1000)) * 10) / 10,
      av_offset_ms: p(avOffsetMs, 50),
      av_offset_samples: avOffsetMs.length,
      playback_finished: finished.length,
      playback_finished_python: python?.finished ?? null,
      load_avg_1m: Math.round(os.loadavg()[0]! * 100) / 100,
    };
  } finally {
    await agent.disconnect().catch(() => undefined);
    await worker.stop();
    await Promise.all([livekit.stop(), app.close()]);
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
