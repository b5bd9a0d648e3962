import { describe, expect, it } from 'vitest';
import { RealFft } from './real-fft';
import { seededNoise } from '../testing/signal-stats';

/** Textbook O(n²) DFT, bins 0..n/2. */
function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * ((k * t) % n)) / n;
      re[k]! += x[t]! * Math.cos(angle);
      im[k]! += x[t]! * Math.sin(angle);
    }
  }
  return { re, im };
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('RealFft', () => {
  // 800 is Wav2Lip's n_fft (radices 4·4·5·5 on 400 points); the others exercise radix 2, the
  // generic butterfly (3, 7, 11) and the degenerate sizes.
  it.each([800, 2, 4, 6, 8, 14, 50, 64, 96, 242, 1000])('matches a direct DFT for n = %i', (n) => {
    const x = seededNoise(n, n);
    const fft = new RealFft(n);
    const re = new Float64Array(fft.bins);
    const im = new Float64Array(fft.bins);
    fft.forward(x, re, im);
    const ref = naiveDft(x);
    expect(fft.bins).toBe(n / 2 + 1);
    expect(maxAbsDiff(re, ref.re)).toBeLessThan(1e-9 * n);
    expect(maxAbsDiff(im, ref.im)).toBeLessThan(1e-9 * n);
  });

  it('puts a cosine at bin k with amplitude n/2 and nothing elsewhere', () => {
    const n = 800;
    const x = new Float64Array(n).map((_, t) => Math.cos((2 * Math.PI * 50 * t) / n));
    const fft = new RealFft(n);
    const re = new Float64Array(fft.bins);
    const im = new Float64Array(fft.bins);
    fft.forward(x, re, im);
    for (let k = 0; k < fft.bins; k++) {
      expect(Math.hypot(re[k]!, im[k]!)).toBeCloseTo(k === 50 ? n / 2 : 0, 9);
    }
  });

  it('is reusable: a second call gives the same result (no state leaks between calls)', () => {
    const fft = new RealFft(800);
    const re1 = new Float64Array(fft.bins);
    const im1 = new Float64Array(fft.bins);
    const re2 = new Float64Array(fft.bins);
    const im2 = new Float64Array(fft.bins);
    fft.forward(seededNoise(1, 800), re1, im1);
    fft.forward(seededNoise(2, 800), re2, im2);
    fft.forward(seededNoise(1, 800), re2, im2);
    expect(maxAbsDiff(re1, re2)).toBe(0);
    expect(maxAbsDiff(im1, im2)).toBe(0);
  });

  it('rejects odd and non-integer sizes', () => {
    expect(() => new RealFft(801)).toThrow(/even integer/);
    expect(() => new RealFft(0)).toThrow(/even integer/);
    expect(() => new RealFft(2.5)).toThrow(/even integer/);
  });
});
