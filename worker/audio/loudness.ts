/**
 * Speech loudness 0..1 per frame, as a jaw follows it. Shared by both mouth paths (phone
 * timings + audio in mouth-driver.ts, audio alone in audio-features.ts) so the same sound opens
 * the mouth the same amount whichever path drew it.
 */

export interface LoudnessOptions {
  /** Frame length in ms. */
  frameMs: number;
  /** Loudness range mapped onto 0..1 below the utterance's loud level, in dB. */
  rangeDb: number;
  /** Time constant of the loudness rising, in ms. */
  attackMs: number;
  /** Time constant of the loudness falling, in ms. */
  releaseMs: number;
}

export const LOUDNESS_DEFAULTS = { rangeDb: 15, attackMs: 10, releaseMs: 40 } as const;

/** Below this RMS (16-bit units) a frame counts as silence whatever the utterance's level. */
export const SILENCE_RMS = 60;
/** The utterance's loud level: this quantile of the RMS of its non-silent frames. */
const LOUD_QUANTILE = 0.9;

/**
 * Loudness 0..1 per frame: dB below the utterance's loud level, mapped so the loud level is 1
 * and `rangeDb` below it is 0, then smoothed with a fast attack and a slower release, as a
 * jaw opens quickly and settles more slowly.
 */
export function smoothedLoudness(rms: Float32Array, options: LoudnessOptions): Float32Array {
  const out = new Float32Array(rms.length);
  const loud = quantile(
    rms.filter((r) => r > SILENCE_RMS),
    LOUD_QUANTILE,
  );
  if (!(loud > SILENCE_RMS)) return out;
  const loudDb = decibels(loud);
  const attack = 1 - Math.exp(-options.frameMs / Math.max(1e-3, options.attackMs));
  const release = 1 - Math.exp(-options.frameMs / Math.max(1e-3, options.releaseMs));
  let state = 0;
  for (let f = 0; f < rms.length; f++) {
    const level = rms[f] ?? 0;
    const target =
      level <= SILENCE_RMS ? 0 : clamp01(1 + (decibels(level) - loudDb) / options.rangeDb);
    state += (target > state ? attack : release) * (target - state);
    out[f] = state;
  }
  return out;
}

function decibels(rms: number): number {
  return 20 * Math.log10(rms);
}

function quantile(values: Float32Array, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function clamp01(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
