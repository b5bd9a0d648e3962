/**
 * The mouth for audio we did not synthesise ourselves (an OpenAI-compatible provider, an
 * uploaded file, another system): no phone timings, only the sound. Three cheap features per
 * video frame stand in for them:
 *
 * - energy (RMS) → jaw opening, mapped and smoothed exactly like the mouth driver's loudness,
 *   so both paths open the mouth the same amount for the same sound;
 * - spectral centroid and zero-crossing rate → "brightness": high for ee/s/sh/f (energy up
 *   high, many crossings), which spread the lips; low centroid on a voiced sound (oo, oh, w)
 *   rounds them;
 * - a short dip in energy inside speech (the silence of a stop, an m/b/p) brings the lips
 *   together, and silence closes them fully: the neutral pose.
 *
 * Shape controls are smoothed (one-pole, ~60 ms) and every control is rate limited, so a noisy
 * frame cannot make the mouth flicker. Returns the same `MouthTrack` as the phone-driven path.
 */
import { LOUDNESS_DEFAULTS, smoothedLoudness } from '../audio/loudness';
import { rmsEnvelope } from '../audio/mouth-envelope';
import type { MouthTrack } from './mouth-driver';
import { NEUTRAL_POSE, type MouthPose } from './mouth-pose';
import { opennessTrack } from './pose-openness';
import { frameCount } from './viseme-track';

export interface AudioFeatureOptions {
  /** Video (or audio) frame rate in frames per second. */
  fps: number;
  /** Time constant of the lip shape (width, rounding) smoothing, in ms (default 60). */
  shapeSmoothingMs?: number;
  /** Loudness 0..1 below which the lips start to close inside speech (default 0.2). */
  lipGate?: number;
  /** Fastest change of any control, per ms (default 0.0125, as the mouth driver). */
  maxSpeedPerMs?: number;
}

/** Per-frame features of a piece of audio. */
export interface AudioFeatures {
  /** RMS per frame in 16-bit sample units. */
  rms: Float32Array;
  /** Spectral centroid per frame in Hz (0 for a silent frame). */
  centroidHz: Float32Array;
  /** Zero crossings per sample, 0..1. */
  zeroCrossingRate: Float32Array;
}

/** Centroid (Hz) of a dark voiced sound (oo, oh) and of a bright one (ee, s): the mapping's ends. */
const DARK_CENTROID_HZ = 700;
const BRIGHT_CENTROID_HZ = 3000;
/** Zero-crossing rates of voiced speech and of a fricative (per sample). */
const VOICED_ZCR = 0.08;
const FRICATIVE_ZCR = 0.35;
/** Relaxed lip width of open speech (the AX viseme's). */
const BASE_LIP_WIDTH = 0.3;

/** Spectral centroid, RMS and zero-crossing rate of each frame of 1000/fps ms. */
export function audioFeatures(
  pcm: Int16Array,
  sampleRateHz: number,
  fps: number,
  count = frameCount((pcm.length / sampleRateHz) * 1000, fps),
): AudioFeatures {
  const frameSamples = sampleRateHz / fps;
  const rms = rmsEnvelope(pcm, frameSamples, count);
  const centroidHz = new Float32Array(count);
  const zeroCrossingRate = new Float32Array(count);
  // One FFT size for the whole piece (≥ one frame, power of two), buffers reused per frame.
  let size = 256;
  while (size < frameSamples) size *= 2;
  const window = hann(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let f = 0; f < count; f++) {
    const start = Math.round(f * frameSamples);
    const end = Math.min(pcm.length, Math.round((f + 1) * frameSamples));
    let crossings = 0;
    for (let i = start + 1; i < end; i++) {
      if ((pcm[i - 1] ?? 0) < 0 !== (pcm[i] ?? 0) < 0) crossings++;
    }
    zeroCrossingRate[f] = end - start > 1 ? crossings / (end - start - 1) : 0;
    // Window centred on the frame's centre.
    const from = Math.round((start + end) / 2 - size / 2);
    for (let i = 0; i < size; i++) {
      re[i] = (pcm[from + i] ?? 0) * (window[i] ?? 0);
      im[i] = 0;
    }
    fft(re, im);
    let weighted = 0;
    let total = 0;
    for (let k = 1; k < size / 2; k++) {
      const magnitude = Math.hypot(re[k] ?? 0, im[k] ?? 0);
      weighted += magnitude * ((k * sampleRateHz) / size);
      total += magnitude;
    }
    centroidHz[f] = total > 0 ? weighted / total : 0;
  }
  return { rms, centroidHz, zeroCrossingRate };
}

/**
 * Mouth poses and openness per frame from the audio alone; ceil(duration × fps) frames, the
 * same count as the phone-driven `mouthTrack`.
 */
export function audioMouthTrack(
  pcm: Int16Array,
  sampleRateHz: number,
  options: AudioFeatureOptions,
): MouthTrack {
  const { fps } = options;
  if (!(fps > 0)) throw new Error(`fps must be positive, got ${fps}`);
  const frameMs = 1000 / fps;
  const features = audioFeatures(pcm, sampleRateHz, fps);
  const loudness = smoothedLoudness(features.rms, { frameMs, ...LOUDNESS_DEFAULTS });
  // The same mapping without smoothing: a stop's 40-80 ms of silence shows here, while the
  // jaw's slow release would hide it.
  const instant = smoothedLoudness(features.rms, {
    ...LOUDNESS_DEFAULTS,
    frameMs,
    attackMs: 0,
    releaseMs: 0,
  });
  const lipGate = options.lipGate ?? 0.2;
  const maxStep = (options.maxSpeedPerMs ?? 0.0125) * frameMs;
  const shapeAlpha = 1 - Math.exp(-frameMs / Math.max(1e-3, options.shapeSmoothingMs ?? 60));

  const poses: MouthPose[] = [];
  let previous: MouthPose = { ...NEUTRAL_POSE };
  let width = 0;
  let round = 0;
  for (let f = 0; f < loudness.length; f++) {
    // The release tail never reaches zero by itself; below 1% the jaw is shut.
    const level = (loudness[f] ?? 0) < 0.01 ? 0 : (loudness[f] ?? 0);
    const now = instant[f] ?? 0;
    // How much of the sound is noise-like (s, sh, f) rather than voiced.
    const noisy = ramp(features.zeroCrossingRate[f] ?? 0, VOICED_ZCR, FRICATIVE_ZCR);
    const centroid = features.centroidHz[f] ?? 0;
    const bright = Math.max(noisy, ramp(centroid, DARK_CENTROID_HZ * 2, BRIGHT_CENTROID_HZ));
    const dark = (1 - noisy) * (1 - ramp(centroid, DARK_CENTROID_HZ, DARK_CENTROID_HZ * 2));
    // Shape only while there is sound; in silence it relaxes back to neutral.
    const sounding = ramp(level, 0, 0.15);
    const targetWidth = sounding * (BASE_LIP_WIDTH + (0.9 - BASE_LIP_WIDTH) * bright) * (1 - dark);
    const targetRound = sounding * 0.8 * dark;
    width = settle(width + shapeAlpha * (targetWidth - width));
    round = settle(round + shapeAlpha * (targetRound - round));
    // Fricatives are made with the teeth close: less jaw for the same loudness.
    const jaw = level * (1 - 0.4 * noisy);
    const closure = lipGate > 0 ? clamp01(1 - now / lipGate) : now > 0 ? 0 : 1;
    const target: MouthPose = {
      jawOpen: jaw,
      lipWidth: width,
      lipRound: round,
      lipClosure: closure,
      lowerLipTuck: 0,
    };
    previous = {
      jawOpen: step(previous.jawOpen, target.jawOpen, maxStep),
      lipWidth: step(previous.lipWidth, target.lipWidth, maxStep),
      lipRound: step(previous.lipRound, target.lipRound, maxStep),
      lipClosure: step(previous.lipClosure, target.lipClosure, maxStep),
      lowerLipTuck: 0,
    };
    poses.push(previous);
  }
  return { poses, openness: opennessTrack(poses) };
}

/** Snaps a decaying control to 0 once it no longer shows, so silence is exactly neutral. */
function settle(value: number): number {
  return value < 0.005 ? 0 : value;
}

function step(from: number, to: number, maxStep: number): number {
  return clamp01(from + Math.max(-maxStep, Math.min(maxStep, to - from)));
}

/** 0 at or below `low`, 1 at or above `high`, linear between. */
function ramp(value: number, low: number, high: number): number {
  return clamp01((value - low) / (high - low));
}

function hann(size: number): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return out;
}

/** In-place iterative radix-2 FFT; `re.length` must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i] ?? 0;
      re[i] = re[j] ?? 0;
      re[j] = tr;
      const ti = im[i] ?? 0;
      im[i] = im[j] ?? 0;
      im[j] = ti;
    }
  }
  for (let length = 2; length <= n; length *= 2) {
    const angle = (-2 * Math.PI) / length;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += length) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < length / 2; k++) {
        const a = i + k;
        const b = a + length / 2;
        const xr = (re[b] ?? 0) * cr - (im[b] ?? 0) * ci;
        const xi = (re[b] ?? 0) * ci + (im[b] ?? 0) * cr;
        re[b] = (re[a] ?? 0) - xr;
        im[b] = (im[a] ?? 0) - xi;
        re[a] = (re[a] ?? 0) + xr;
        im[a] = (im[a] ?? 0) + xi;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

function clamp01(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
