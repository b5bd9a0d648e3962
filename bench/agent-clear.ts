/**
 * The agent benchmark's clear rounds: a long segment starts playing, `lk.clear_buffer` is sent
 * while the viewer hears speech, and two times are taken from the moment the sender made the
 * call: when the face logged the clear (its session process got the RPC and dropped the
 * audio), and when the viewer's audio fell silent (tests/integration/support/audio-timing.ts:
 * the arrival of the first quiet frame after the last loud one, once 300 ms of quiet followed;
 * the 300 ms confirm the silence and are not counted).
 */
import {
  silenceAfter,
  waitForSilence,
  whileSpeaking,
} from '@/tests/integration/support/audio-timing';
import { waitUntil } from '@/tests/integration/support/ports';
import type { AudioRecorder } from '@/tests/integration/support/subscriber';
import type { WorkerHost } from '@/tests/integration/support/worker-host';

/**
 * Starts an agent's face on the bench's worker host (its own LiveKit room, the agent's
 * identity in the face token's `lk.publish_on_behalf`); throws unless the host took it.
 */
export async function startFace(
  worker: WorkerHost,
  face: {
    roomName: string;
    avatar: unknown;
    livekitUrl: string;
    token: string;
    agentIdentity: string;
  },
): Promise<void> {
  const response = await worker.request('/sessions', {
    method: 'POST',
    body: JSON.stringify({
      sessionId: face.roomName,
      roomName: face.roomName,
      avatar: face.avatar,
      agent: { livekitUrl: face.livekitUrl, token: face.token, agentIdentity: face.agentIdentity },
    }),
  });
  if (response.status !== 201) throw new Error(`worker refused the session: ${response.status}`);
}

export const CLEAR_ROUNDS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The face's "agent cleared the buffer" log lines (pino, epoch ms), in order. */
function faceClearLogTimes(output: string): number[] {
  const times: number[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"msg":"agent cleared the buffer"')) continue;
    const time = (JSON.parse(line) as { time?: number }).time;
    if (typeof time === 'number') times.push(time);
  }
  return times;
}

export async function clearRounds(
  audio: AudioRecorder,
  worker: WorkerHost,
  sender: {
    /** Starts sending the long segment; resolves when it is all sent. */
    speak(): Promise<unknown>;
    /** Sends the clear; resolves with when it was called (performance.now() ms). */
    clear(): Promise<number>;
  },
): Promise<{ silenceMs: number[]; faceMs: number[] }> {
  const silenceMs: number[] = [];
  const faceMs: number[] = [];
  for (let i = 0; i < CLEAR_ROUNDS; i++) {
    await waitForSilence(audio.levels, 800, 30_000);
    await sleep(300);
    const sending = sender.speak();
    await sleep(1_000 + i * 137);
    await whileSpeaking(audio.levels);
    const logged = faceClearLogTimes(worker.output()).length;
    const clearedAt = await sender.clear();
    await waitUntil(() => silenceAfter(audio.levels, clearedAt) !== undefined, 5_000, 'silence');
    silenceMs.push(silenceAfter(audio.levels, clearedAt)! - clearedAt);
    await waitUntil(() => faceClearLogTimes(worker.output()).length > logged, 5_000, 'face log');
    const faceAt = faceClearLogTimes(worker.output())[logged]! - performance.timeOrigin;
    faceMs.push(faceAt - clearedAt);
    await sending;
  }
  return { silenceMs, faceMs };
}
