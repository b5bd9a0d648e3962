import { describe, expect, it } from 'vitest';
import { createResampler } from './resample';

const tone = (rate: number, hz: number, seconds: number, amplitude = 10_000) =>
  Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)),
  );

/** RMS away from the ends, where the filter sees zeros. */
const rms = (pcm: Int16Array) => {
  const body = pcm.subarray(200, pcm.length - 200);
  return Math.sqrt(body.reduce((sum, s) => sum + s * s, 0) / body.length);
};
/** Dominant frequency from zero crossings (Hz). */
const crossingHz = (pcm: Int16Array, rate: number) => {
  let crossings = 0;
  for (let i = 201; i < pcm.length - 200; i++)
    if ((pcm[i - 1] ?? 0) < 0 !== (pcm[i] ?? 0) < 0) crossings++;
  return (crossings / 2) * (rate / (pcm.length - 401));
};

describe('createResampler', () => {
  for (const fromHz of [24_000, 22_050, 48_000, 8_000]) {
    it(`keeps a 440 Hz tone's pitch and level from ${fromHz} Hz to 16 kHz`, () => {
      const out = createResampler(fromHz, 16_000).resample(tone(fromHz, 440, 1));
      expect(out.length).toBe(16_000);
      expect(crossingHz(out, 16_000)).toBeCloseTo(440, -1);
      expect(rms(out) / rms(tone(16_000, 440, 1))).toBeCloseTo(1, 1);
      // Matches a tone generated directly at 16 kHz sample by sample, within 1%.
      const direct = tone(16_000, 440, 1);
      let error = 0;
      for (let i = 200; i < 15_800; i++)
        error = Math.max(error, Math.abs((out[i] ?? 0) - (direct[i] ?? 0)));
      expect(error).toBeLessThan(100);
    });
  }

  it('removes what 16 kHz cannot hold instead of aliasing it', () => {
    // 11 kHz at 24 kHz would fold to 5 kHz at 16 kHz; it must be at least 50 dB down.
    const out = createResampler(24_000, 16_000).resample(tone(24_000, 11_000, 1));
    expect(20 * Math.log10(rms(out) / 10_000 + 1e-9)).toBeLessThan(-50);
  });

  it('returns a copy for equal rates and rejects bad rates', () => {
    const input = tone(16_000, 200, 0.1);
    const out = createResampler(16_000, 16_000).resample(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(() => createResampler(0, 16_000)).toThrow(RangeError);
    expect(() => createResampler(22_050.5, 16_000)).toThrow(RangeError);
  });

  it('converts 10 s of 24 kHz speech in well under real time', () => {
    const input = tone(24_000, 300, 10);
    const started = performance.now();
    createResampler(24_000, 16_000).resample(input);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
