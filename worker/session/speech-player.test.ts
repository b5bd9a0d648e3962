import type { AudioFrame } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import type { SpeechAudio } from '../tts/flite-tts';
import { SpeechPlayer, type AudioSink } from './speech-player';

const RATE = 16_000;
const FRAME_MS = 20;

/** A sink that plays instantly and records what it was given. */
class RecordingSink implements AudioSink {
  frames: Int16Array[] = [];
  clears = 0;
  queuedDuration = 0;
  captureFrame(frame: AudioFrame): Promise<void> {
    this.frames.push(frame.data);
    // Yield so the test can interleave; a real AudioSource paces in real time.
    return new Promise((resolve) => setImmediate(resolve));
  }
  clearQueue(): void {
    this.clears++;
  }
}

/** A fake TTS: 400 ms of a loud tone per piece, and remembers what it was asked. */
function fakeTts(spoken: string[]) {
  return {
    synthesize(text: string): SpeechAudio {
      spoken.push(text);
      const pcm = new Int16Array(RATE * 0.4);
      for (let i = 0; i < pcm.length; i++)
        pcm[i] = Math.round(10_000 * Math.sin((2 * Math.PI * 200 * i) / RATE));
      return { pcm, sampleRateHz: RATE, phones: [] };
    },
  };
}

const log = createLogger({ name: 'test', level: 'silent' });
const until = async (check: () => boolean) => {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
};
const rms = (frame: Int16Array) =>
  Math.sqrt(frame.reduce((sum, s) => sum + s * s, 0) / frame.length);

describe('SpeechPlayer', () => {
  it('pushes silence when idle and speech in order, sentence by sentence', async () => {
    const sink = new RecordingSink();
    const spoken: string[] = [];
    const player = new SpeechPlayer({
      sink,
      tts: fakeTts(spoken),
      sampleRateHz: RATE,
      frameMs: FRAME_MS,
      log,
    });
    player.start();
    await until(() => sink.frames.length >= 5);
    expect(sink.frames.every((f) => rms(f) === 0)).toBe(true);
    expect(sink.frames[0]?.length).toBe(320);

    player.enqueue('First sentence. Second one!');
    player.enqueue('Third.');
    expect(player.speaking).toBe(true);
    await until(() => !player.speaking);
    expect(spoken).toEqual(['First sentence.', 'Second one!', 'Third.']);
    const loud = sink.frames.filter((f) => rms(f) > 1_000).length;
    expect(loud).toBe(60); // 3 pieces × 400 ms / 20 ms
    // Queued silence was dropped when speech began, so it starts without delay.
    expect(sink.clears).toBe(1);
    await player.stop();
  });

  it('reports the mouth openness of the audible frame', async () => {
    const sink = new RecordingSink();
    const player = new SpeechPlayer({
      sink,
      tts: fakeTts([]),
      sampleRateHz: RATE,
      frameMs: FRAME_MS,
      log,
    });
    player.start();
    player.enqueue('Hello.');
    await until(() => sink.frames.length >= 10);
    expect(player.mouthOpenNow()).toBeGreaterThan(0.5);
    // With 200 ms still queued, the audible frame is 10 frames back: before speech started.
    sink.queuedDuration = sink.frames.length * FRAME_MS;
    expect(player.mouthOpenNow()).toBe(0);
    sink.queuedDuration = 0;
    await until(() => !player.speaking);
    await until(() => rms(sink.frames.at(-1)!) === 0);
    expect(player.mouthOpenNow()).toBe(0);
    await player.stop();
  });

  it('shuts the mouth on an m even though the audio stays loud, per audio frame', async () => {
    const sink = new RecordingSink();
    const opennessByFrame: number[] = [];
    const tone = fakeTts([]).synthesize('');
    const phones = [
      { phone: 'aa', startMs: 0, endMs: 150 },
      { phone: 'm', startMs: 150, endMs: 250 },
      { phone: 'aa', startMs: 250, endMs: 400 },
    ];
    const player = new SpeechPlayer({
      sink,
      tts: { synthesize: () => ({ ...tone, phones }) },
      sampleRateHz: RATE,
      frameMs: FRAME_MS,
      log,
    });
    // With nothing queued in the sink, the audible frame is the one just pushed.
    const capture = sink.captureFrame.bind(sink);
    sink.captureFrame = (frame) => {
      if (rms(frame.data) > 1_000) opennessByFrame.push(player.mouthOpenNow());
      return capture(frame);
    };
    player.start();
    player.enqueue('Ama.');
    await until(() => !player.speaking);
    await player.stop();
    expect(opennessByFrame).toHaveLength(20); // 400 ms / 20 ms, one value per frame
    const during = (fromMs: number, toMs: number) =>
      opennessByFrame.slice(fromMs / FRAME_MS, toMs / FRAME_MS);
    expect(Math.max(...during(170, 230))).toBe(0);
    expect(Math.min(...during(40, 110))).toBeGreaterThan(0.5);
    expect(Math.min(...during(300, 380))).toBeGreaterThan(0.5);
  });

  it('speaks numbers and abbreviations as words, split at real sentence ends', async () => {
    const sink = new RecordingSink();
    const spoken: string[] = [];
    const player = new SpeechPlayer({
      sink,
      tts: fakeTts(spoken),
      sampleRateHz: RATE,
      frameMs: FRAME_MS,
      log,
    });
    player.start();
    player.enqueue('Dr. Smith paid $3.50. Then he left.');
    await until(() => !player.speaking);
    expect(spoken).toEqual(['Doctor Smith paid three dollars and fifty cents.', 'Then he left.']);
    await player.stop();
  });

  it('interrupt drops queued and playing speech at once', async () => {
    const sink = new RecordingSink();
    const spoken: string[] = [];
    const player = new SpeechPlayer({
      sink,
      tts: fakeTts(spoken),
      sampleRateHz: RATE,
      frameMs: FRAME_MS,
      log,
    });
    player.start();
    player.enqueue('One. Two. Three. Four.');
    await until(() => sink.frames.some((f) => rms(f) > 1_000));
    const clearsBefore = sink.clears;
    player.interrupt();
    expect(player.speaking).toBe(false);
    expect(sink.clears).toBe(clearsBefore + 1);
    expect(player.mouthOpenNow()).toBe(0);
    const after = sink.frames.length;
    await until(() => sink.frames.length >= after + 10);
    expect(sink.frames.slice(after + 1).every((f) => rms(f) === 0)).toBe(true);
    // Only what was synthesised ahead before the interrupt; the rest was never synthesised.
    expect(spoken.length).toBeLessThan(4);
    await player.stop();
  });
});
