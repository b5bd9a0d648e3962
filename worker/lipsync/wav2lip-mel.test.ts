import { describe, expect, it } from 'vitest';
import { computeMel, melChunk, melFilterbank, resampleTo16k } from './wav2lip-mel';
import { seededNoise } from '../testing/signal-stats';

// Expected values are derived here from Wav2Lip's audio.py / hparams.py and librosa's formulas,
// written out independently of the module (direct DFT, explicit padding, own filterbank).
const SR = 16_000;
const N_FFT = 800;
const HOP = 200;
const N_MELS = 80;
const BINS = 401;

function tone(hz: number, seconds: number, rateHz = SR, amp = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(seconds * rateHz) },
    (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rateHz),
  );
}

/** Speech-like test signal: three partials, noise, a silent gap; length not a multiple of hop. */
function testSignal(): Float32Array {
  const n = SR + 137;
  const hiss = seededNoise(42, n);
  return Float32Array.from({ length: n }, (_, i) => {
    const t = i / SR;
    if (i >= 5000 && i < 7000) return 0;
    return (
      0.3 * Math.sin(2 * Math.PI * 180 * t) +
      0.15 * Math.sin(2 * Math.PI * 1130 * t + 1) +
      0.05 * Math.sin(2 * Math.PI * 3700 * t) +
      0.02 * hiss[i]!
    );
  });
}

/** Mel band edges in Hz: 82 points evenly spaced on the Slaney scale between 55 and 7600 Hz. */
function slaneyEdgesHz(): number[] {
  // Slaney: mel = f / (200/3) below 1 kHz; 15 + 27·ln(f/1000)/ln(6.4) above.
  const toMel = (f: number) =>
    f < 1000 ? (3 * f) / 200 : 15 + (27 * Math.log(f / 1000)) / Math.log(6.4);
  const toHz = (m: number) => (m < 15 ? (200 * m) / 3 : 1000 * 6.4 ** ((m - 15) / 27));
  const lo = toMel(55);
  const hi = toMel(7600);
  return Array.from({ length: N_MELS + 2 }, (_, i) => toHz(lo + ((hi - lo) * i) / (N_MELS + 1)));
}

/** Reference filterbank [band][bin]: triangles on the edges, each scaled by 2/(f[i+2] − f[i]). */
function referenceFilterbank(): number[][] {
  const f = slaneyEdgesHz();
  return Array.from({ length: N_MELS }, (_, b) =>
    Array.from({ length: BINS }, (_, k) => {
      const hz = (k * SR) / N_FFT;
      const up = (hz - f[b]!) / (f[b + 1]! - f[b]!);
      const down = (f[b + 2]! - hz) / (f[b + 2]! - f[b + 1]!);
      return Math.max(0, Math.min(up, down)) * (2 / (f[b + 2]! - f[b]!));
    }),
  );
}

/** Reference column t of the normalised mel spectrogram, built step by step from the formulas. */
function referenceFrame(x: Float32Array, t: number, fb: number[][]): number[] {
  const n = x.length;
  const y = Array.from(x, (v, i) => (i === 0 ? v : v - 0.97 * x[i - 1]!));
  // numpy.pad(y, 400, mode='reflect'): mirror without repeating the edge sample.
  const padded = [...y.slice(1, 401).reverse(), ...y, ...y.slice(n - 401, n - 1).reverse()];
  const seg = padded.slice(t * HOP, t * HOP + N_FFT);
  const w = seg.map((v, i) => v * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT)));
  const mag = Array.from({ length: BINS }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let i = 0; i < N_FFT; i++) {
      const angle = (2 * Math.PI * ((k * i) % N_FFT)) / N_FFT;
      re += w[i]! * Math.cos(angle);
      im -= w[i]! * Math.sin(angle);
    }
    return Math.hypot(re, im);
  });
  return fb.map((row) => {
    const m = row.reduce((s, wk, k) => s + wk * mag[k]!, 0);
    const db = 20 * Math.log10(Math.max(1e-5, m)) - 20;
    return Math.min(4, Math.max(-4, 8 * ((db + 100) / 100) - 4));
  });
}

function column(spec: { mel: Float32Array; frames: number }, t: number): number[] {
  return Array.from({ length: N_MELS }, (_, b) => spec.mel[b * spec.frames + t]!);
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

describe('melFilterbank', () => {
  const fb = melFilterbank();
  const ref = referenceFilterbank();
  const edges = slaneyEdgesHz();

  it('is 80 × 401 and equals the Slaney triangles re-derived from the formulas', () => {
    expect(fb.length).toBe(N_MELS * BINS);
    let maxDiff = 0;
    for (let b = 0; b < N_MELS; b++) {
      for (let k = 0; k < BINS; k++)
        maxDiff = Math.max(maxDiff, Math.abs(fb[b * BINS + k]! - ref[b]![k]!));
    }
    expect(maxDiff).toBeLessThan(1e-7);
  });

  it('has non-negative triangles whose peaks move up in frequency within 55–7600 Hz', () => {
    expect(Math.min(...fb)).toBeGreaterThanOrEqual(0);
    const peaks = Array.from({ length: N_MELS }, (_, b) =>
      argmax(fb.subarray(b * BINS, (b + 1) * BINS)),
    );
    for (let b = 1; b < N_MELS; b++) expect(peaks[b]!).toBeGreaterThan(peaks[b - 1]!);
    expect(peaks[0]! * 20).toBeGreaterThan(55);
    expect(peaks[N_MELS - 1]! * 20).toBeLessThan(7600);
    // Nothing outside the outer edges: bin 0 (DC), bins ≥ 7600 Hz.
    for (let b = 0; b < N_MELS; b++) {
      expect(fb[b * BINS]).toBe(0);
      expect(fb[b * BINS + 380]).toBe(0);
    }
  });

  it('is area-normalised (slaney): each triangle integrates to ~1 over Hz', () => {
    for (let b = 0; b < N_MELS; b++) {
      const row = fb.subarray(b * BINS, (b + 1) * BINS);
      // Peak never exceeds the triangle height 2/(f[b+2] − f[b]).
      expect(Math.max(...row)).toBeLessThanOrEqual((2 / (edges[b + 2]! - edges[b]!)) * (1 + 1e-6));
      // Wide triangles are well sampled by 20 Hz bins: Riemann sum ≈ area = 1.
      if (edges[b + 2]! - edges[b]! > 400) {
        expect(row.reduce((s, w) => s + w * 20, 0)).toBeCloseTo(1, 2);
      }
    }
  });
});

describe('computeMel', () => {
  it('matches a direct-DFT reference built from the Wav2Lip formulas to 1e-3', () => {
    const x = testSignal();
    const spec = computeMel(x, SR);
    expect(spec.nMels).toBe(80);
    expect(spec.frames).toBe(1 + Math.floor(x.length / HOP));
    expect(spec.mel.length).toBe(80 * spec.frames);
    const fb = referenceFilterbank();
    // Reflect-padded start, interior, the silent gap's edge, and the reflect-padded end.
    for (const t of [0, 1, 2, 17, 30, 41, 60, spec.frames - 2, spec.frames - 1]) {
      const expected = referenceFrame(x, t, fb);
      const actual = column(spec, t);
      for (let b = 0; b < N_MELS; b++)
        expect(Math.abs(actual[b]! - expected[b]!)).toBeLessThan(1e-3);
    }
    // The reference is not trivially saturated: values span the range.
    const all = Array.from(spec.mel);
    expect(Math.max(...all)).toBeGreaterThan(0);
    expect(Math.min(...all)).toBeLessThan(-3);
  });

  it('gives 81 frames for 1 s, 1 + floor(len/200) in general', () => {
    expect(computeMel(new Float32Array(SR), SR).frames).toBe(81);
    expect(computeMel(new Float32Array(199), SR).frames).toBe(1);
    expect(computeMel(new Float32Array(200), SR).frames).toBe(2);
  });

  it('gives −4 everywhere for silence', () => {
    for (const spec of [
      computeMel(new Float32Array(SR), SR),
      computeMel(new Int16Array(3000), SR),
    ]) {
      expect(spec.mel.every((v) => v === -4)).toBe(true);
    }
  });

  it('peaks, for a 1 kHz tone, in the mel band centred nearest 1000 Hz', () => {
    const spec = computeMel(tone(1000, 1), SR);
    const edges = slaneyEdgesHz();
    const nearest = argmax(edges.slice(1, N_MELS + 1).map((c) => -Math.abs(c - 1000)));
    for (const t of [10, 40, 70]) {
      const peak = argmax(column(spec, t));
      expect(peak).toBe(nearest);
      expect(edges[peak]!).toBeLessThan(1000);
      expect(edges[peak + 2]!).toBeGreaterThan(1000);
    }
  });

  it('treats Int16 PCM as value / 32768', () => {
    const f = testSignal();
    const i16 = Int16Array.from(f, (v) => Math.round(v * 32768));
    const fromInt = computeMel(i16, SR);
    const fromFloat = computeMel(
      Float32Array.from(i16, (v) => v / 32768),
      SR,
    );
    for (let i = 0; i < fromInt.mel.length; i++)
      expect(fromInt.mel[i]).toBeCloseTo(fromFloat.mel[i]!, 5);
  });

  it('refuses other sample rates and empty input with a clear error', () => {
    expect(() => computeMel(new Float32Array(100), 24_000)).toThrow(/16000 Hz.*resampleTo16k/);
    expect(() => computeMel(new Float32Array(0), SR)).toThrow(/at least one sample/);
  });
});

describe('melChunk', () => {
  // Frame t of band b holds b * 1000 + t, so a chunk shows exactly which frames it took.
  const frames = 90;
  const spec = {
    mel: Float32Array.from(
      { length: N_MELS * frames },
      (_, i) => Math.floor(i / frames) * 1000 + (i % frames),
    ),
    nMels: 80 as const,
    frames,
  };
  const firstFrame = (chunk: Float32Array) => chunk[0];

  it('is 80 × 16, row-major [mel][time], starting at frame 0 for video frame 0', () => {
    const chunk = melChunk(spec, 0, 25);
    expect(chunk.length).toBe(80 * 16);
    expect(Array.from(chunk.subarray(0, 16))).toEqual(Array.from({ length: 16 }, (_, t) => t));
    expect(chunk[5 * 16 + 15]).toBe(5015);
    expect(chunk[79 * 16]).toBe(79_000);
  });

  it('starts at int(i · 80 / fps)', () => {
    // fps 25: 3.2 mel frames per video frame.
    expect([1, 2, 3, 4, 5, 10].map((i) => firstFrame(melChunk(spec, i, 25)))).toEqual([
      3, 6, 9, 12, 16, 32,
    ]);
    // fps 30: 2.666… per video frame.
    expect([1, 2, 3, 4].map((i) => firstFrame(melChunk(spec, i, 30)))).toEqual([2, 5, 8, 10]);
  });

  it('takes the last 16 frames when the window would run past the end', () => {
    expect(firstFrame(melChunk(spec, 23, 25))).toBe(73); // 73.6 → 73, fits exactly (73..88)
    expect(firstFrame(melChunk(spec, 24, 25))).toBe(74); // 76.8 → would overrun: last 16
    expect(firstFrame(melChunk(spec, 1000, 25))).toBe(74);
    expect(melChunk(spec, 24, 25)[15]).toBe(89);
    // One mel frame per video frame: 74 is the last start that fits; 75 would overrun by one.
    expect(firstFrame(melChunk(spec, 74, 80))).toBe(74);
    expect(firstFrame(melChunk(spec, 75, 80))).toBe(74);
  });

  it('pads audio shorter than 16 mel frames with silence (−4)', () => {
    const short = computeMel(tone(440, 0.05), SR); // 5 frames
    const chunk = melChunk(short, 0, 25);
    expect(chunk[4]).toBe(short.mel[4]);
    expect(chunk[4]).toBeGreaterThan(-4);
    expect(Array.from(chunk.subarray(5, 16))).toEqual(new Array<number>(11).fill(-4));
  });
});

describe('resampleTo16k', () => {
  it('keeps every third sample from 48 kHz and interpolates halfway points from 24 kHz', () => {
    const x48 = Float32Array.from(seededNoise(3, 4800));
    const y48 = resampleTo16k(x48, 48_000);
    expect(y48.length).toBe(1600);
    for (let i = 0; i < 1600; i += 97) expect(y48[i]).toBe(x48[3 * i]);
    const x24 = Float32Array.from(seededNoise(4, 2400));
    const y24 = resampleTo16k(x24, 24_000);
    expect(y24.length).toBe(1600);
    expect(y24[1]).toBeCloseTo((x24[1]! + x24[2]!) / 2, 6);
    expect(y24[2]).toBe(x24[3]);
  });

  it('gives 24 and 48 kHz tones the same mel as a native 16 kHz tone', () => {
    const native = computeMel(tone(440, 1), SR);
    for (const rate of [24_000, 48_000]) {
      const resampled = resampleTo16k(tone(440, 1, rate), rate);
      expect(resampled.length).toBe(SR);
      const spec = computeMel(resampled, SR);
      expect(spec.frames).toBe(81);
      let maxDiff = 0;
      // Bands 0..77 (below ~7 kHz), frames clear of the reflect padding, whose kink leaves a
      // faint (~−3.5) high-band trace that interpolation error perturbs. From 24 kHz, halfway
      // interpolation also leaves an image of the tone at 24000 − 440 Hz, folded to 7560 Hz:
      // band 79 lifts from −4 to ~−3.6.
      for (let b = 0; b < 78; b++) {
        for (let t = 2; t < 79; t++) {
          const i = b * 81 + t;
          maxDiff = Math.max(maxDiff, Math.abs(spec.mel[i]! - native.mel[i]!));
        }
      }
      expect(maxDiff).toBeLessThan(0.05);
      expect(Math.max(...spec.mel.subarray(79 * 81 + 2, 79 * 81 + 79))).toBeLessThan(-3.5);
    }
  });

  it('scales Int16 input to [−1, 1]', () => {
    expect(Array.from(resampleTo16k(Int16Array.from([-32768, 16384, 0]), 16_000))).toEqual([
      -1, 0.5, 0,
    ]);
  });
});
