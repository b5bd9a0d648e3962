/**
 * Turns speech audio into a mouth-openness track (0 = closed, 1 = fully open), one value per
 * audio frame. Plain RMS energy follows openness well on synthetic voices (r≈0.7, measured in
 * the design notes); phone timings then close the lips on bilabials, which energy alone
 * misses because m/b/p are voiced.
 */
import type { PhoneTiming } from '../tts/speech-audio';

/** Phones during which the lips touch. */
const BILABIALS = new Set(['m', 'b', 'p']);

export interface EnvelopeOptions {
  sampleRateHz: number;
  /** Length of one envelope step in ms (the audio frame size). */
  frameMs: number;
  phones?: readonly PhoneTiming[];
}

/** Samples per envelope step. */
export function samplesPerFrame(sampleRateHz: number, frameMs: number): number {
  return Math.round((sampleRateHz * frameMs) / 1000);
}

/**
 * RMS of each frame, in 16-bit sample units (0..32768). Frame f covers samples
 * [f, f+1) × frameSamples, rounded, so a fractional frame length does not drift; `count`
 * defaults to every started frame.
 */
export function rmsEnvelope(
  pcm: Int16Array,
  frameSamples: number,
  count = Math.ceil(pcm.length / frameSamples),
): Float32Array {
  const out = new Float32Array(count);
  for (let f = 0; f < count; f++) {
    const start = Math.round(f * frameSamples);
    const end = Math.min(pcm.length, Math.round((f + 1) * frameSamples));
    let sum = 0;
    for (let i = start; i < end; i++) {
      const s = pcm[i] ?? 0;
      sum += s * s;
    }
    out[f] = end > start ? Math.sqrt(sum / (end - start)) : 0;
  }
  return out;
}

/**
 * Openness per frame. Energy is normalised by the utterance's own loud level (90th
 * percentile) so quiet and loud voices both use the full range, gated below a noise floor,
 * then smoothed with a fast attack and a slower release, as a jaw moves.
 */
export function mouthOpenness(pcm: Int16Array, options: EnvelopeOptions): Float32Array {
  const frameSamples = samplesPerFrame(options.sampleRateHz, options.frameMs);
  const rms = rmsEnvelope(pcm, frameSamples);
  const loud = percentile(rms, 0.9);
  const out = new Float32Array(rms.length);
  if (loud < 1) return out;
  const floor = Math.max(150, loud * 0.08);
  const attack = 0.7;
  const release = 0.35;
  let state = 0;
  for (let f = 0; f < rms.length; f++) {
    const level = rms[f] ?? 0;
    const target =
      level <= floor ? 0 : Math.min(1, Math.pow((level - floor) / (loud - floor), 0.6));
    state += (target > state ? attack : release) * (target - state);
    out[f] = state;
  }
  if (options.phones) closeOnBilabials(out, options.phones, options.frameMs);
  return out;
}

function closeOnBilabials(openness: Float32Array, phones: readonly PhoneTiming[], frameMs: number) {
  for (const phone of phones) {
    if (!BILABIALS.has(phone.phone)) continue;
    // Lips meet in the middle of the phone; keep a sliver so it does not look like a snap.
    const first = Math.floor((phone.startMs + (phone.endMs - phone.startMs) * 0.25) / frameMs);
    const last = Math.floor((phone.endMs - (phone.endMs - phone.startMs) * 0.25) / frameMs);
    for (let f = Math.max(0, first); f <= last && f < openness.length; f++) {
      openness[f] = (openness[f] ?? 0) * 0.15;
    }
  }
}

function percentile(values: Float32Array, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
