import { afterAll, describe, expect, it } from 'vitest';
import { createFliteTts, FLITE_VOICES, parsePhoneTrace, resolveVoice } from './flite-tts';

describe('Flite TTS', () => {
  const tts = createFliteTts();
  afterAll(() => tts.close());

  it('synthesises non-silent 16 kHz speech with phone timings', () => {
    const speech = tts.synthesize('Hello there, my name is Facecast.');
    expect(speech.sampleRateHz).toBe(16_000);
    const durationMs = (speech.pcm.length / speech.sampleRateHz) * 1000;
    expect(durationMs).toBeGreaterThan(1_000);
    expect(durationMs).toBeLessThan(5_000);
    let sum = 0;
    for (const s of speech.pcm) sum += s * s;
    expect(Math.sqrt(sum / speech.pcm.length)).toBeGreaterThan(500);
    const spoken = speech.phones.filter((p) => p.phone !== 'pau');
    expect(spoken.length).toBeGreaterThan(15);
    expect(speech.phones.map((p) => p.phone)).toContain('hh');
    // Timings are increasing and end where the audio ends (within a frame or two).
    for (const p of speech.phones) expect(p.endMs).toBeGreaterThanOrEqual(p.startMs);
    expect(Math.abs((speech.phones.at(-1)?.endMs ?? 0) - durationMs)).toBeLessThan(50);
  });

  it('returns empty audio for empty text and survives odd input', () => {
    expect(tts.synthesize('   ').pcm.length).toBe(0);
    expect(tts.synthesize('-v --help \u0000 "quoted" 123').pcm.length).toBeGreaterThan(0);
  });

  it('falls back to the default voice for unknown names', () => {
    expect(resolveVoice('kal16')).toBe('kal16');
    expect(resolveVoice('nope')).toBe('slt');
    expect(resolveVoice(undefined)).toBe('slt');
  });

  it('speaks faster or slower with the rate, phone timings included', () => {
    const text = 'Welcome to the museum, I will be your guide today.';
    const natural = tts.synthesize(text);
    const fast = tts.synthesize(text, undefined, 1.5);
    const slow = tts.synthesize(text, undefined, 0.75);
    const ratio = (a: { pcm: Int16Array }) => a.pcm.length / natural.pcm.length;
    expect(ratio(fast)).toBeGreaterThan(0.55);
    expect(ratio(fast)).toBeLessThan(0.8);
    expect(ratio(slow)).toBeGreaterThan(1.2);
    expect(ratio(slow)).toBeLessThan(1.5);
    expect(fast.phones.at(-1)!.endMs).toBeLessThan(natural.phones.at(-1)!.endMs * 0.8);
    // Out-of-range rates are clamped, not rejected.
    expect(tts.synthesize(text, undefined, 10).pcm.length).toBe(
      tts.synthesize(text, undefined, 2).pcm.length,
    );
  });

  it('offers every voice of the worker protocol', () => {
    for (const voice of FLITE_VOICES) {
      expect(tts.synthesize('Hello.', voice).pcm.length).toBeGreaterThan(4_000);
    }
  });

  it('parses phrase-relative phone end times', () => {
    expect(parsePhoneTrace('pau:0.1 hh:0.2 \npau:0.05 ay:0.15 ')).toEqual([
      { phone: 'pau', startMs: 0, endMs: 100 },
      { phone: 'hh', startMs: 100, endMs: 200 },
      { phone: 'pau', startMs: 200, endMs: 250 },
      { phone: 'ay', startMs: 250, endMs: 350 },
    ]);
  });
});

describe('Flite TTS with the next instance prepared ahead', () => {
  const plain = createFliteTts();
  const ahead = createFliteTts(undefined, { prepareAhead: true });
  afterAll(() => {
    plain.close();
    ahead.close();
  });
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('speaks exactly as a fresh instance does, through voice and rate changes', async () => {
    const steps: Array<{ text: string; voice?: string; rate?: number; wait: boolean }> = [
      { text: 'Here is the answer.', wait: true },
      { text: 'It goes on, sentence after sentence.', wait: true },
      { text: 'Back to back, with no pause.', wait: false },
      { text: 'Another voice now.', voice: 'awb', wait: true },
      { text: 'And a faster pace.', voice: 'awb', rate: 1.4, wait: true },
      { text: '-v --help "quoted"', voice: 'awb', rate: 1.4, wait: true },
    ];
    let foundReady = 0;
    for (const step of steps) {
      if (step.wait) await tick();
      if (ahead.preparedAhead) foundReady++;
      const expected = plain.synthesize(step.text, step.voice, step.rate);
      const got = ahead.synthesize(step.text, step.voice, step.rate);
      expect(got.sampleRateHz).toBe(expected.sampleRateHz);
      expect(got.phones).toEqual(expected.phones);
      expect(Buffer.from(got.pcm.buffer).equals(Buffer.from(expected.pcm.buffer))).toBe(true);
    }
    // Every sentence after a pause but the first found an instance ready (used when the voice
    // and rate match, else dropped); back to back, there was no time to make one.
    expect(foundReady).toBe(4);
    expect(plain.preparedAhead).toBe(false);
  });

  it('drops the waiting instance on close', async () => {
    const tts = createFliteTts(undefined, { prepareAhead: true });
    tts.synthesize('Hello.');
    await tick();
    expect(tts.preparedAhead).toBe(true);
    tts.close();
    expect(tts.preparedAhead).toBe(false);
  });
});
