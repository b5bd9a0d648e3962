/**
 * Sample-rate conversion for speech from providers that do not speak at the session's rate
 * (OpenAI's 24 kHz, eSpeak's 22.05 kHz → 16 kHz). Windowed-sinc interpolation with a
 * polyphase table: the ratio in lowest terms is L/M, so output sample n sits at one of L
 * fractional positions between input samples and its filter is looked up, not recomputed.
 * The cutoff is 0.9 × the lower Nyquist frequency, so content the target rate cannot hold is
 * filtered out instead of folding back as audible aliasing.
 */

/** Filter half-length in input samples (at the lower rate): 16 gives > 60 dB stop-band. */
const HALF_TAPS = 16;
/** Cutoff as a share of the lower rate's Nyquist frequency. */
const CUTOFF = 0.9;
/** Kaiser window β: ~80 dB side lobes. */
const KAISER_BETA = 8;

export interface Resampler {
  readonly fromHz: number;
  readonly toHz: number;
  /** Converts one whole piece of mono 16-bit audio. */
  resample(input: Int16Array): Int16Array;
}

const cache = new Map<string, Resampler>();

/** A resampler between two integer rates (Hz); built once per pair and reused. */
export function createResampler(fromHz: number, toHz: number): Resampler {
  if (!(Number.isInteger(fromHz) && Number.isInteger(toHz) && fromHz > 0 && toHz > 0))
    throw new RangeError(`sample rates must be positive integers, got ${fromHz} → ${toHz}`);
  const key = `${fromHz}:${toHz}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const divisor = gcd(fromHz, toHz);
  const up = toHz / divisor; // L: phases
  const down = fromHz / divisor; // M: input step per L outputs
  // Cutoff relative to the input rate; when downsampling the filter widens in input samples.
  const cutoff = (CUTOFF * Math.min(1, toHz / fromHz)) / 2; // cycles per input sample
  const half = Math.ceil(HALF_TAPS / Math.min(1, toHz / fromHz));
  const taps = 2 * half;
  // table[phase * taps + k] weighs input sample (base - half + 1 + k) for output phase `phase`.
  const table = new Float32Array(up * taps);
  const besselBeta = besselI0(KAISER_BETA);
  for (let phase = 0; phase < up; phase++) {
    const frac = phase / up;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const x = k - half + 1 - frac; // distance from the output position, in input samples
      const sinc = x === 0 ? 1 : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x) / (2 * cutoff);
      const r = x / half;
      const window =
        Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / besselBeta;
      const weight = sinc * window;
      table[phase * taps + k] = weight;
      sum += weight;
    }
    // Unity gain at DC for every phase.
    for (let k = 0; k < taps; k++) table[phase * taps + k] = (table[phase * taps + k] ?? 0) / sum;
  }

  const resampler: Resampler = {
    fromHz,
    toHz,
    resample(input) {
      if (fromHz === toHz) return input.slice();
      const outLength = Math.floor((input.length * up) / down);
      const out = new Int16Array(outLength);
      for (let n = 0; n < outLength; n++) {
        const position = n * down; // in units of 1/up input samples
        const base = Math.floor(position / up);
        const phase = position - base * up;
        const offset = phase * taps;
        const first = base - half + 1;
        let acc = 0;
        if (first >= 0 && first + taps <= input.length) {
          // The common case, away from the ends: no bounds checks in the hot loop.
          for (let k = 0; k < taps; k++)
            acc += (input[first + k] as number) * (table[offset + k] as number);
        } else {
          for (let k = 0; k < taps; k++) {
            const i = first + k;
            if (i >= 0 && i < input.length) acc += (input[i] ?? 0) * (table[offset + k] ?? 0);
          }
        }
        out[n] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
      }
      return out;
    },
  };
  cache.set(key, resampler);
  return resampler;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (series; converges fast for β ≤ 10). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}
