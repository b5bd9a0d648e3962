/**
 * One live session end to end, measured at a real viewer: LiveKit server, worker host and
 * its session process, Flite speech, an @livekit/rtc-node subscriber. Runs inside a private
 * network namespace (re-executing itself there when needed): WebRTC must not leave the box.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrackKind, dispose } from '@livekit/rtc-node';
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { loadDemoPortrait } from '@/lib/avatars/demo-portrait';
import { preparePortrait } from '@/lib/avatars/prepare-portrait';
import { insideTestNamespace } from '@/scripts/lib/netns.mjs';
import { startLivekitServer } from '@/tests/integration/support/livekit-server';
import { waitUntil } from '@/tests/integration/support/ports';
import { joinAsSubscriber } from '@/tests/integration/support/subscriber';
import { startWorkerHost } from '@/tests/integration/support/worker-host';
import { AVATAR_IDENTITY, CONTROL_TOPIC } from '@/protocol/room-control';
import { runBenchInNamespace } from './in-namespace';
import { percentile, round } from './stats';

const SPEECH_RMS = 300;
const SPEAKS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function sessionBench(): Promise<Record<string, number | string>> {
  if (!insideTestNamespace())
    return runBenchInNamespace('session') as Record<string, number | string>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-bench-'));
  const livekit = await startLivekitServer();
  const worker = await startWorkerHost({
    livekitUrl: livekit.url,
    apiKey: livekit.apiKey,
    apiSecret: livekit.apiSecret,
  });
  try {
    const prepared = await preparePortrait({ input: await loadDemoPortrait(), outDir: dir });
    const roomName = `bench-${Date.now()}`;
    const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    await rooms.createRoom({ name: roomName });
    const viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'bench-viewer' });
    const postedAt = performance.now();
    const response = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify({
        sessionId: roomName,
        roomName,
        avatar: { id: 'demo', name: 'Demo', ...prepared },
      }),
    });
    if (response.status !== 201) throw new Error(`worker refused the session: ${response.status}`);
    const video = viewer.recordVideo(
      await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO, 30_000),
    );
    const audio = viewer.recordAudio(
      await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_AUDIO, 30_000),
    );
    await waitUntil(() => video.frameTimesMs.length > 0, 30_000, 'first frame');
    const firstFrameMs = video.frameTimesMs[0]! - postedAt;

    await sleep(2_000);
    const idleFrom = performance.now();
    await sleep(10_000);
    const idleFps = video.frameTimesMs.filter((t) => t > idleFrom).length / 10;

    const latencies: number[] = [];
    const speakFrom = performance.now();
    for (let i = 0; i < SPEAKS; i++) {
      // Measure from silence: wait until the previous sentence has finished playing.
      await waitUntil(
        () => {
          const recent = audio.levels.filter((l) => l.atMs > performance.now() - 500);
          return recent.length > 10 && recent.every((l) => l.rms < SPEECH_RMS);
        },
        15_000,
        'silence',
      );
      const sentAt = performance.now();
      const payload = new TextEncoder().encode(
        JSON.stringify({
          type: 'speak',
          text: `Measurement number ${i + 1}: the quick brown fox jumps over the lazy dog.`,
          interrupt: false,
        }),
      );
      await rooms.sendData(roomName, payload, DataPacket_Kind.RELIABLE, {
        topic: CONTROL_TOPIC,
        destinationIdentities: [AVATAR_IDENTITY],
      });
      await waitUntil(
        () => audio.levels.some((l) => l.atMs > sentAt && l.rms > SPEECH_RMS),
        5_000,
        'speech',
      );
      latencies.push(
        audio.levels.find((l) => l.atMs > sentAt && l.rms > SPEECH_RMS)!.atMs - sentAt,
      );
    }
    const speakSeconds = (performance.now() - speakFrom) / 1000;
    const speakingFps = video.frameTimesMs.filter((t) => t > speakFrom).length / speakSeconds;
    latencies.sort((a, b) => a - b);
    video.stop();
    audio.stop();
    await viewer.leave();
    return {
      post_to_first_frame_ms: Math.round(firstFrameMs),
      fps_idle_at_viewer: round(idleFps, 1),
      fps_speaking_at_viewer: round(speakingFps, 1),
      speak_to_audio_p50_ms: Math.round(percentile(latencies, 50)),
      speak_to_audio_max_ms: Math.round(latencies[latencies.length - 1]!),
    };
  } finally {
    await worker.stop();
    await livekit.stop();
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
