/**
 * Forward FFT of a real signal of any even length whose half-length factors into small primes
 * (800 = 2 · 400 = 2 · 4·4·5·5 for Wav2Lip). A radix-2 FFT cannot take 800 directly, and a
 * direct DFT of 800 points costs ~40× more per frame.
 *
 * The real input of length n is packed as n/2 complex points (even samples real, odd samples
 * imaginary), transformed by a mixed-radix Stockham FFT (self-sorting: no bit reversal) and
 * split into the n/2 + 1 non-negative-frequency bins. All twiddles and scratch are allocated by
 * the constructor; `forward` allocates nothing.
 */

interface Stage {
  /** Radix of this stage. */
  p: number;
  /** Sub-transform length before this stage (n / product of earlier radices). */
  len: number;
  /** Stride: product of earlier radices. */
  stride: number;
  /** Twiddles W_len^(j·k) for k < len/p, j in 1..p-1, at index k·(p−1) + j − 1. */
  twRe: Float64Array;
  twIm: Float64Array;
  /** p-th roots of unity e^(−2πi·j/p), used by the generic butterfly. */
  rootRe: Float64Array;
  rootIm: Float64Array;
}

function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  while (rest % 4 === 0) {
    factors.push(4);
    rest /= 4;
  }
  for (let p = 2; rest > 1; p++) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  return factors;
}

export class RealFft {
  /** Number of output bins: size / 2 + 1 (DC to Nyquist). */
  readonly bins: number;
  private readonly half: number;
  private readonly stages: Stage[] = [];
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;
  /** Butterfly inputs for radices other than 2 and 4. */
  private readonly tmpRe: Float64Array;
  private readonly tmpIm: Float64Array;
  private readonly splitRe: Float64Array;
  private readonly splitIm: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) {
      throw new RangeError(`RealFft size must be an even integer >= 2, got ${size}`);
    }
    const half = size / 2;
    this.half = half;
    this.bins = half + 1;
    let len = half;
    let stride = 1;
    let maxP = 4;
    for (const p of factorize(half)) {
      if (p > 64) throw new RangeError(`RealFft size ${size}: prime factor ${p} is too large`);
      const m = len / p;
      const twRe = new Float64Array(m * (p - 1));
      const twIm = new Float64Array(m * (p - 1));
      for (let k = 0; k < m; k++) {
        for (let j = 1; j < p; j++) {
          const angle = (-2 * Math.PI * j * k) / len;
          twRe[k * (p - 1) + j - 1] = Math.cos(angle);
          twIm[k * (p - 1) + j - 1] = Math.sin(angle);
        }
      }
      const rootRe = new Float64Array(p);
      const rootIm = new Float64Array(p);
      for (let j = 0; j < p; j++) {
        rootRe[j] = Math.cos((-2 * Math.PI * j) / p);
        rootIm[j] = Math.sin((-2 * Math.PI * j) / p);
      }
      this.stages.push({ p, len, stride, twRe, twIm, rootRe, rootIm });
      maxP = Math.max(maxP, p);
      len = m;
      stride *= p;
    }
    this.aRe = new Float64Array(half);
    this.aIm = new Float64Array(half);
    this.bRe = new Float64Array(half);
    this.bIm = new Float64Array(half);
    this.tmpRe = new Float64Array(maxP);
    this.tmpIm = new Float64Array(maxP);
    this.splitRe = new Float64Array(this.bins);
    this.splitIm = new Float64Array(this.bins);
    for (let k = 0; k < this.bins; k++) {
      this.splitRe[k] = Math.cos((-2 * Math.PI * k) / size);
      this.splitIm[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /**
   * X[k] = Σ x[n]·e^(−2πi·k·n/size) for k = 0..size/2, written to outRe/outIm (length ≥ bins).
   * `input` must hold at least `size` samples; only the first `size` are read.
   */
  forward(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    const half = this.half;
    let xRe = this.aRe;
    let xIm = this.aIm;
    let yRe = this.bRe;
    let yIm = this.bIm;
    for (let i = 0; i < half; i++) {
      xRe[i] = input[2 * i]!;
      xIm[i] = input[2 * i + 1]!;
    }
    for (const stage of this.stages) {
      this.stage(stage, xRe, xIm, yRe, yIm);
      [xRe, yRe] = [yRe, xRe];
      [xIm, yIm] = [yIm, xIm];
    }
    // Split the half-length complex spectrum Z into the real spectrum X:
    // X[k] = (Z[k] + conj Z[M−k]) / 2 − i·W^k·(Z[k] − conj Z[M−k]) / 2, with Z[M] = Z[0].
    for (let k = 0; k <= half; k++) {
      const a = xRe[k === half ? 0 : k]!;
      const b = xIm[k === half ? 0 : k]!;
      const c = xRe[k === 0 ? 0 : half - k]!;
      const d = xIm[k === 0 ? 0 : half - k]!;
      const evRe = 0.5 * (a + c);
      const evIm = 0.5 * (b - d);
      const odRe = 0.5 * (b + d);
      const odIm = -0.5 * (a - c);
      const wr = this.splitRe[k]!;
      const wi = this.splitIm[k]!;
      outRe[k] = evRe + wr * odRe - wi * odIm;
      outIm[k] = evIm + wr * odIm + wi * odRe;
    }
  }

  /** One decimation-in-frequency Stockham stage: x[q + s(k + r·m)] → y[q + s(p·k + j)]. */
  private stage(
    st: Stage,
    xRe: Float64Array,
    xIm: Float64Array,
    yRe: Float64Array,
    yIm: Float64Array,
  ) {
    const { p, len, stride: s, twRe, twIm } = st;
    const m = len / p;
    if (p === 4) {
      for (let k = 0; k < m; k++) {
        const w1r = twRe[3 * k]!,
          w1i = twIm[3 * k]!;
        const w2r = twRe[3 * k + 1]!,
          w2i = twIm[3 * k + 1]!;
        const w3r = twRe[3 * k + 2]!,
          w3i = twIm[3 * k + 2]!;
        for (let q = 0; q < s; q++) {
          const i0 = q + s * k;
          const i1 = i0 + s * m;
          const i2 = i1 + s * m;
          const i3 = i2 + s * m;
          const x0r = xRe[i0]!,
            x0i = xIm[i0]!,
            x1r = xRe[i1]!,
            x1i = xIm[i1]!;
          const x2r = xRe[i2]!,
            x2i = xIm[i2]!,
            x3r = xRe[i3]!,
            x3i = xIm[i3]!;
          const t0r = x0r + x2r,
            t0i = x0i + x2i,
            t1r = x0r - x2r,
            t1i = x0i - x2i;
          const t2r = x1r + x3r,
            t2i = x1i + x3i;
          // −i·(x1 − x3)
          const t3r = x1i - x3i,
            t3i = x3r - x1r;
          const o = q + s * 4 * k;
          yRe[o] = t0r + t2r;
          yIm[o] = t0i + t2i;
          const b1r = t1r + t3r,
            b1i = t1i + t3i;
          yRe[o + s] = b1r * w1r - b1i * w1i;
          yIm[o + s] = b1r * w1i + b1i * w1r;
          const b2r = t0r - t2r,
            b2i = t0i - t2i;
          yRe[o + 2 * s] = b2r * w2r - b2i * w2i;
          yIm[o + 2 * s] = b2r * w2i + b2i * w2r;
          const b3r = t1r - t3r,
            b3i = t1i - t3i;
          yRe[o + 3 * s] = b3r * w3r - b3i * w3i;
          yIm[o + 3 * s] = b3r * w3i + b3i * w3r;
        }
      }
      return;
    }
    if (p === 2) {
      for (let k = 0; k < m; k++) {
        const wr = twRe[k]!,
          wi = twIm[k]!;
        for (let q = 0; q < s; q++) {
          const i0 = q + s * k;
          const i1 = i0 + s * m;
          const ar = xRe[i0]!,
            ai = xIm[i0]!,
            br = xRe[i1]!,
            bi = xIm[i1]!;
          const o = q + s * 2 * k;
          yRe[o] = ar + br;
          yIm[o] = ai + bi;
          const dr = ar - br,
            di = ai - bi;
          yRe[o + s] = dr * wr - di * wi;
          yIm[o + s] = dr * wi + di * wr;
        }
      }
      return;
    }
    // Generic radix p: a direct p-point DFT per butterfly.
    const { rootRe, rootIm } = st;
    const inRe = this.tmpRe;
    const inIm = this.tmpIm;
    for (let k = 0; k < m; k++) {
      for (let q = 0; q < s; q++) {
        for (let r = 0; r < p; r++) {
          inRe[r] = xRe[q + s * (k + r * m)]!;
          inIm[r] = xIm[q + s * (k + r * m)]!;
        }
        const o = q + s * p * k;
        for (let j = 0; j < p; j++) {
          let sr = 0,
            si = 0,
            idx = 0;
          for (let r = 0; r < p; r++) {
            const wr = rootRe[idx]!;
            const wi = rootIm[idx]!;
            sr += inRe[r]! * wr - inIm[r]! * wi;
            si += inRe[r]! * wi + inIm[r]! * wr;
            idx += j;
            if (idx >= p) idx -= p;
          }
          if (j === 0) {
            yRe[o] = sr;
            yIm[o] = si;
          } else {
            const tr = twRe[k * (p - 1) + j - 1]!,
              ti = twIm[k * (p - 1) + j - 1]!;
            yRe[o + j * s] = sr * tr - si * ti;
            yIm[o + j * s] = sr * ti + si * tr;
          }
        }
      }
    }
  }
}
