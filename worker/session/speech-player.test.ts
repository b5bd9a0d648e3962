import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { AudioFrame } from '@livekit/rtc-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResampler } from '../audio/resample';
import { createLogger, type Logger } from '../log';
import { createFliteTts } from '../tts/flite-tts';
import { type SpeechAudio } from '../tts/speech-audio';
import { createSessionTts } from '../tts/session-tts';
import { NEUTRAL_POSE, type MouthPose } from '../visemes/mouth-pose';
import { SpeechPlayer, type AudioSink } from './speech-player';

const RATE = 16_000;
const FRAME_MS = 20;

/** A sink that plays instantly and records what it was given, in 20 ms frames. */
class RecordingSink implements AudioSink {
  frames: Int16Array[] = [];
  /** Samples per captureFrame call. */
  chunkSamples: number[] = [];
  clears = 0;
  queuedDuration = 0;
  captureFrame(frame: AudioFrame): Promise<void> {
    this.chunkSamples.push(frame.samplesPerChannel);
    const n = (RATE * FRAME_MS) / 1000;
    for (let i = 0; i < frame.data.length; i += n) this.frames.push(frame.data.subarray(i, i + n));
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
    // Two 20 ms frames per call into LiveKit: half the FFI calls of one per frame.
    expect(sink.chunkSamples.every((n) => n === 640)).toBe(true);

    player.enqueue('First sentence. Second one!');
    player.enqueue('Third.');
    expect(player.speaking).toBe(true);
    await until(() => !player.speaking);
    expect(spoken).toEqual(['First sentence.', 'Second one!', 'Third.']);
    const loud = sink.frames.filter((f) => rms(f) > 1_000).length;
    expect(loud).toBe(60); // 3 pieces × 400 ms / 20 ms
    // Queued silence was dropped when speech was ready and again as it began (what the
    // pump pushed meanwhile), so it starts without delay; never during speech.
    expect(sink.clears).toBeGreaterThanOrEqual(1);
    expect(sink.clears).toBeLessThanOrEqual(2);
    await player.stop();
  });

  it('tells when an utterance is heard, word by word, and what was heard when interrupted', async () => {
    const sink = new RecordingSink();
    const heard: string[] = [];
    const ended: { text: string; interrupted: boolean }[] = [];
    const player = new SpeechPlayer({
      sink,
      tts: fakeTts([]),
      sampleRateHz: RATE,
      frameMs: FRAME_MS,
      log,
      listener: {
        started: (e) => heard.push(`started:${e.text}`),
        words: (e) => heard.push(e.words),
        ended: (e) => ended.push({ text: e.text, interrupted: e.interrupted }),
      },
    });
    player.start();
    // LiveKit holds 100 ms: nothing counts as heard until it has played out.
    sink.queuedDuration = 100;
    const id = player.enqueue('One two three. Four five six.');
    await until(() => sink.frames.length >= 3);
    expect(heard).toEqual([]);
    await until(() => ended.length > 0);
    expect(heard[0]).toBe('started:One two three.');
    expect(heard.slice(1)).toEqual(['One', 'two', 'three.', 'Four', 'five', 'six.']);
    expect(ended).toEqual([{ text: 'One two three. Four five six.', interrupted: false }]);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    player.say('Seven eight nine ten.', 'second');
    await until(() => heard.includes('eight'));
    player.interrupt();
    expect(ended[1]).toMatchObject({ interrupted: true });
    expect(ended[1]!.text.startsWith('Seven eight')).toBe(true);
    expect(ended[1]!.text).not.toContain('ten.');
    await player.stop();
  });

  it('plays given audio as an utterance, the mouth moving with it', async () => {
    const sink = new RecordingSink();
    const ended: string[] = [];
    const player = new SpeechPlayer({
      sink,
      tts: fakeTts([]),
      sampleRateHz: RATE,
      frameMs: FRAME_MS,
      log,
      listener: { ended: (e) => ended.push(e.utteranceId) },
    });
    player.start();
    // 24 kHz audio (a provider's rate) is resampled to the session's 16 kHz.
    const clip = new Int16Array(24_000 * 0.5);
    for (let i = 0; i < clip.length; i++)
      clip[i] = Math.round(9_000 * Math.sin((2 * Math.PI * 180 * i) / 24_000));
    const id = player.play(clip, 24_000);
    let opened = 0;
    await until(() => {
      if (player.mouthOpenNow() > 0.3) opened++;
      return ended.includes(id);
    });
    expect(opened).toBeGreaterThan(3);
    const loud = sink.frames.filter((f) => rms(f) > 1_000).length;
    expect(loud * FRAME_MS).toBeGreaterThanOrEqual(460);
    expect(loud * FRAME_MS).toBeLessThanOrEqual(520);
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
    // A video frame rendered ahead for the time the queued speech is heard sees it open.
    // A video frame rendered ahead sees the pose of the audio heard at its due time: with
    // all but the first frame queued, 200 ms ahead is well into the tone.
    sink.queuedDuration = (sink.frames.length - 1) * FRAME_MS;
    expect(rms(sink.frames[0]!)).toBe(0);
    expect(player.mouthPoseAhead(0)).toEqual(NEUTRAL_POSE);
    expect(player.mouthPoseAhead(8 * FRAME_MS).jawOpen).toBeGreaterThan(0.3);
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
    // Frames reach the sink two at a time; with the later one of a call still queued, the
    // audible frame is the earlier one, with nothing queued the one just pushed.
    const capture = sink.captureFrame.bind(sink);
    sink.captureFrame = (frame) => {
      const n = (RATE * FRAME_MS) / 1000;
      for (let i = 0; i < frame.data.length; i += n) {
        sink.queuedDuration = frame.data.length - i > n ? FRAME_MS : 0;
        if (rms(frame.data.subarray(i, i + n)) > 1_000) opennessByFrame.push(player.mouthOpenNow());
      }
      sink.queuedDuration = 0;
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

/**
 * OpenAI's speech API is a paid external service, so these tests run the player against a
 * LOCAL node:http stand-in that speaks `POST /v1/audio/speech` like it: Bearer auth, JSON
 * body, raw 16-bit PCM at 24 kHz (real Flite speech, resampled up), and OpenAI-shaped errors.
 */
describe('SpeechPlayer with an OpenAI-compatible provider', () => {
  const API_KEY = 'sk-test-player-8d1f';
  const flite = createFliteTts();
  const up = createResampler(16_000, 24_000);
  let server: http.Server;
  let baseUrl: string;
  /** Per request, in order: what to do. Defaults to speaking. */
  let plan: ('speak' | 'unauthorized' | 'hang' | { delayMs: number })[] = [];
  const received: { input: string; at: number }[] = [];
  const answered: { input: string; loudFramesPushed: number }[] = [];
  let loudFrames = () => 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          input: string;
          voice: string;
          response_format: string;
        };
        received.push({ input: body.input, at: performance.now() });
        const step = plan.shift() ?? 'speak';
        if (step === 'hang') return; // never answers: the client's timeout must end it
        if (step === 'unauthorized' || req.headers.authorization !== `Bearer ${API_KEY}`) {
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }));
          return;
        }
        const speak = () => {
          const pcm = up.resample(flite.synthesize(body.input, 'kal16').pcm);
          answered.push({ input: body.input, loudFramesPushed: loudFrames() });
          res.writeHead(200, { 'content-type': 'audio/pcm' }).end(Buffer.from(pcm.buffer));
        };
        if (typeof step === 'object') setTimeout(speak, step.delayMs);
        else speak();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => {
    server.close();
    flite.close();
  });

  function setup(timeoutMs: number) {
    const lines: { msg: string; level: number; [key: string]: unknown }[] = [];
    const log = pino(
      { level: 'debug' },
      { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
    ) as Logger;
    const tts = createSessionTts(
      { provider: 'openai', baseUrl, apiKey: API_KEY, model: 'tts-1', voice: 'alloy' },
      { log, plugins: [], sampleRateHz: RATE, timeoutMs },
    );
    const sink = new RecordingSink();
    const player = new SpeechPlayer({ sink, tts, sampleRateHz: RATE, frameMs: FRAME_MS, log });
    const poses: MouthPose[] = [];
    const capture = sink.captureFrame.bind(sink);
    sink.captureFrame = (frame) => {
      // Nothing stays queued in this sink: the audible frame is the one just pushed.
      if (rms(frame.data) > 500) poses.push({ ...player.mouthPoseNow() });
      return capture(frame);
    };
    loudFrames = () => sink.frames.filter((f) => rms(f) > 500).length;
    received.length = 0;
    answered.length = 0;
    return { sink, player, poses, lines, tts };
  }

  it('speaks 24 kHz provider audio at 16 kHz, sentence by sentence, with the mouth from the audio', async () => {
    const { sink, player, poses } = setup(2_000);
    plan = ['speak', { delayMs: 600 }, 'speak'];
    player.start();
    player.enqueue('Hello there, my name is Facecast. I speak through an API. Goodbye now.');
    await untilTime(() => !player.speaking);
    // The last sentence's quiet tail may still be audible (slow on a loaded machine); then silence.
    await untilTime(() => isDeepStrictEqual(player.mouthPoseNow(), NEUTRAL_POSE));
    await player.stop();
    expect(received.map((r) => r.input)).toEqual([
      'Hello there, my name is Facecast.',
      'I speak through an API.',
      'Goodbye now.',
    ]);
    // The first sentence was already playing before the second one was synthesised.
    const first = flite.synthesize('Hello there, my name is Facecast.', 'kal16');
    const firstLoudFrames = rmsFrames(first.pcm).filter((v) => v > 500).length;
    expect(answered[1]?.loudFramesPushed).toBeGreaterThanOrEqual(firstLoudFrames - 2);
    // All three sentences came out at 16 kHz with the energy of Flite's originals: nothing
    // lost, doubled or played at the wrong rate.
    const expected = received.reduce(
      (sum, r) => sum + energy(flite.synthesize(r.input, 'kal16').pcm),
      0,
    );
    expect(sink.frames.reduce((sum, f) => sum + energy(f), 0) / expected).toBeCloseTo(1, 1);
    // The mouth follows the sound: open on loud frames, with lip shapes from the spectrum.
    expect(poses.filter((p) => p.jawOpen > 0.4).length).toBeGreaterThan(poses.length * 0.3);
    expect(Math.max(...poses.map((p) => p.lipWidth))).toBeGreaterThan(0.4);
    expect(player.mouthPoseNow()).toEqual(NEUTRAL_POSE);
  });

  it('skips a sentence refused with 401 or timed out, warns without the key, and goes on', async () => {
    const { sink, player, lines } = setup(400);
    plan = ['unauthorized', 'hang', 'speak'];
    player.start();
    player.enqueue('First one fails. Second one hangs. Third one speaks.');
    await untilTime(() => !player.speaking);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(3);
    const warnings = lines.filter((l) => l.msg === 'speech provider failed, sentence skipped');
    expect(warnings.map((w) => w.code)).toEqual(['unauthorized', 'unavailable']);
    expect(String(warnings[1]?.reason)).toMatch(/did not answer within 400 ms/);
    expect(JSON.stringify(lines)).not.toContain(API_KEY);
    // Only the third sentence was heard, and the audio track never stopped.
    const spoken = energy(flite.synthesize('Third one speaks.', 'kal16').pcm);
    expect(sink.frames.reduce((sum, f) => sum + energy(f), 0) / spoken).toBeCloseTo(1, 1);
    const framesBefore = sink.frames.length;
    await untilTime(() => sink.frames.length > framesBefore + 10);
    player.enqueue('Still here.');
    await untilTime(() => !player.speaking);
    expect(received.at(-1)?.input).toBe('Still here.');
    await player.stop();
  });
});

function energy(pcm: Int16Array): number {
  let sum = 0;
  for (const v of pcm) sum += v * v;
  return sum;
}

function rmsFrames(pcm: Int16Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < pcm.length; i += 320) out.push(rms(pcm.subarray(i, i + 320)));
  return out;
}

/** Polls until `check` holds or `timeoutMs` passes (HTTP round trips need real time). */
async function untilTime(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 5));
}
