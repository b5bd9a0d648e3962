import { describe, expect, it } from 'vitest';
import { createFliteTts } from '../tts/flite-tts';
import { LEADING_SILENCE_KEEP_MS, trimLeadingSilence, voicedSpan } from './speech-segment';

const firstLoudMs = (pcm: Int16Array, rateHz: number) => {
  const frame = rateHz / 100;
  for (let i = 0; i + frame <= pcm.length; i += frame) {
    let sum = 0;
    for (let j = i; j < i + frame; j++) sum += pcm[j]! * pcm[j]!;
    if (Math.sqrt(sum / frame) > 300) return (i / rateHz) * 1000;
  }
  return Infinity;
};

describe('trimLeadingSilence', () => {
  it("cuts Flite's opening pause down to 30 ms before the first phone, phones shifted", () => {
    const tts = createFliteTts();
    try {
      const speech = tts.synthesize('Hello there, welcome to the museum.', 'slt');
      // Flite opens with a long pause: a viewer would wait for it.
      expect(firstLoudMs(speech.pcm, speech.sampleRateHz)).toBeGreaterThan(120);
      const trimmed = trimLeadingSilence(speech);
      const cutMs = ((speech.pcm.length - trimmed.pcm.length) / speech.sampleRateHz) * 1000;
      expect(cutMs).toBeGreaterThan(100);
      // The quiet "h" of "Hello" is kept: the cut stops at the first phone, not the first loud one.
      expect(firstLoudMs(trimmed.pcm, trimmed.sampleRateHz)).toBeLessThan(
        firstLoudMs(speech.pcm, speech.sampleRateHz) - 100,
      );
      const firstSpoken = trimmed.phones.find((p) => p.phone !== 'pau')!;
      expect(firstSpoken.startMs).toBeCloseTo(LEADING_SILENCE_KEEP_MS, 0);
      // The tail (the pause before the next sentence) is kept whole.
      expect(trimmed.pcm.at(-1)).toBe(speech.pcm.at(-1));
      expect(trimmed.phones.at(-1)!.endMs).toBeCloseTo(speech.phones.at(-1)!.endMs - cutMs, 3);
    } finally {
      tts.close();
    }
  });

  it('finds the voiced part of audio without phones from its loudness', () => {
    const rate = 16_000;
    const pcm = new Int16Array(rate);
    for (let i = rate * 0.25; i < rate * 0.75; i++) pcm[i] = i % 2 ? 5_000 : -5_000;
    expect(voicedSpan({ pcm, sampleRateHz: rate, phones: [] }, 20)).toEqual({
      startFrame: 12,
      endFrame: 38,
    });
    const trimmed = trimLeadingSilence({ pcm, sampleRateHz: rate, phones: [] });
    expect(trimmed.pcm.length).toBe(pcm.length - rate * 0.24);
  });
});
