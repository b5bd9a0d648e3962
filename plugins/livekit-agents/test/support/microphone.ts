/**
 * A user's microphone in the room (rtc-node 0.13): a published audio track that carries
 * silence, as a real microphone in a quiet room does, until the test makes it say something.
 * Frames are paced by the wall clock (10 ms each, at most 100 ms ahead), so what is said is
 * heard at its real pace and the silence after it lets a VAD see the end of speech.
 */
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  TrackPublishOptions,
  TrackSource,
  type Room,
} from '@livekit/rtc-node';
import { sleep } from './wait.js';

const FRAME_MS = 10;
/** How far ahead of the wall clock frames may be handed to the source, ms. */
const AHEAD_MS = 100;

export interface Microphone {
  /** Says `pcm` (mono, at the microphone's rate); resolves when its last frame is captured. */
  say(pcm: Int16Array): Promise<void>;
  stop(): Promise<void>;
}

/** Publishes a microphone track for `room`'s local participant, at `sampleRateHz`. */
export async function publishMicrophone(room: Room, sampleRateHz: number): Promise<Microphone> {
  const source = new AudioSource(sampleRateHz, 1);
  const track = LocalAudioTrack.createAudioTrack('microphone', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await room.localParticipant!.publishTrack(track, options);

  const step = (sampleRateHz / 1000) * FRAME_MS;
  const silence = new Int16Array(step);
  const pending: Array<{ frames: Int16Array[]; done: () => void }> = [];
  let stopped = false;

  const loop = (async () => {
    const startedAt = performance.now();
    let sentMs = 0;
    while (!stopped) {
      if (sentMs > performance.now() - startedAt + AHEAD_MS) {
        await sleep(FRAME_MS);
        continue;
      }
      const utterance = pending[0];
      const samples = utterance?.frames.shift() ?? silence;
      await source.captureFrame(new AudioFrame(samples, sampleRateHz, 1, samples.length));
      sentMs += (samples.length / sampleRateHz) * 1000;
      if (utterance && utterance.frames.length === 0) {
        pending.shift();
        utterance.done();
      }
    }
  })();

  return {
    say(pcm) {
      const frames: Int16Array[] = [];
      for (let at = 0; at < pcm.length; at += step) {
        const frame = new Int16Array(step); // the last one padded with silence
        frame.set(pcm.subarray(at, at + step));
        frames.push(frame);
      }
      return new Promise<void>((resolve) => pending.push({ frames, done: resolve }));
    },
    async stop() {
      stopped = true;
      await loop.catch(() => undefined);
      await source.close();
    },
  };
}
