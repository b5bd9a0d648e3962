/**
 * The mouth for synthesised speech, driven by both the phone timings and the audio.
 *
 * The viseme track (viseme-track.ts) knows the mouth's SHAPE (rounding, width, closure, a
 * tucked lip) but not how loud a syllable is: every "aa" opens the same. The audio knows how
 * loud it is but not the shape, and m/b/p are voiced, so energy alone opens the mouth on
 * them. So: shape from the viseme track, jaw opening from a blend of the viseme's jaw target
 * and the smoothed loudness of the audio, and the p/b/m closure, decided by the viseme track,
 * applied last so neither the blend nor the smoothing can reopen it.
 *
 * The defaults were tuned on Flite's slt, kal16, rms and awb voices over several sentences
 * (mouth-driver.test.ts): openness vs raw RMS per 40 ms frame went from r = 0.42-0.67 for the
 * viseme track alone to 0.68-0.79. A narrow dB range (15) keeps the mapping close to linear
 * amplitude, which is what a viewer sees as "loud"; a wider one lifts quiet consonants.
 * Jitter is held down by the viseme track's minimum hold (80 ms) for the shape and by the
 * attack/release smoothing plus a rate limit for the jaw.
 */
import { smoothedLoudness, LOUDNESS_DEFAULTS } from '../audio/loudness';
import { rmsEnvelope } from '../audio/mouth-envelope';
import type { SpeechAudio } from '../tts/speech-audio';
import { audioMouthTrack } from './audio-features';
import type { MouthPose } from './mouth-pose';
import { opennessTrack } from './pose-openness';
import { closeOnBilabials, frameCount, visemeTrack } from './viseme-track';

export interface MouthTrackOptions {
  /** Video (or audio) frame rate in frames per second. */
  fps: number;
  /** Share of the jaw opening taken from the audio loudness, 0..1 (default 0.7). */
  energyWeight?: number;
  /** Loudness range mapped onto 0..1 below the utterance's loud level, in dB (default 15). */
  rangeDb?: number;
  /** Time constant of the loudness rising, in ms (default 10). */
  attackMs?: number;
  /** Time constant of the loudness falling, in ms (default 40). */
  releaseMs?: number;
  /** Loudness 0..1 below which the lips start to close even inside a word (default 0.2). */
  lipGate?: number;
  /** Fastest change of the jaw and of the loudness-driven lip closure, per ms (default 0.0125). */
  maxSpeedPerMs?: number;
}

export interface MouthTrack {
  /** One pose per frame; frame f covers [f, f+1) * 1000/fps ms of the audio. */
  poses: MouthPose[];
  /** Openness per frame (opennessTrack of `poses`), a scalar summary of the poses. */
  openness: Float32Array;
}

export const MOUTH_DRIVER_DEFAULTS = {
  energyWeight: 0.7,
  ...LOUDNESS_DEFAULTS,
  lipGate: 0.2,
  maxSpeedPerMs: 0.0125,
} as const satisfies Required<Omit<MouthTrackOptions, 'fps'>>;

/**
 * Mouth poses and openness per frame for one synthesised utterance. The track has
 * ceil(duration × fps) frames, the same count as `rmsEnvelope` with frames of 1000/fps ms.
 * Without phone timings (audio from elsewhere) the pose comes from audio features alone
 * (audio-features.ts).
 */
export function mouthTrack(speech: SpeechAudio, options: MouthTrackOptions): MouthTrack {
  const { fps } = options;
  if (!(fps > 0)) throw new Error(`fps must be positive, got ${fps}`);
  const hasPhones = speech.phones.some((p) => p.phone !== 'pau' && p.endMs > p.startMs);
  if (!hasPhones) return audioMouthTrack(speech.pcm, speech.sampleRateHz, options);
  const energyWeight = options.energyWeight ?? MOUTH_DRIVER_DEFAULTS.energyWeight;
  const durationMs = (speech.pcm.length / speech.sampleRateHz) * 1000;
  const count = frameCount(durationMs, fps);
  const loudness = smoothedLoudness(rmsEnvelope(speech.pcm, speech.sampleRateHz / fps, count), {
    frameMs: 1000 / fps,
    rangeDb: options.rangeDb ?? MOUTH_DRIVER_DEFAULTS.rangeDb,
    attackMs: options.attackMs ?? MOUTH_DRIVER_DEFAULTS.attackMs,
    releaseMs: options.releaseMs ?? MOUTH_DRIVER_DEFAULTS.releaseMs,
  });
  const shapes = visemeTrack(speech.phones, { fps, durationMs });

  const lipGate = options.lipGate ?? MOUTH_DRIVER_DEFAULTS.lipGate;
  const maxStep = (options.maxSpeedPerMs ?? MOUTH_DRIVER_DEFAULTS.maxSpeedPerMs) * (1000 / fps);
  // Where the viseme track closes the lips (silence, p/b/m) loudness must not open the jaw.
  const jaw = limitRate(
    shapes.map((shape, f) => {
      const level = loudness[f] ?? 0;
      return (1 - energyWeight) * shape.jawOpen + energyWeight * level * (1 - shape.lipClosure);
    }),
    maxStep,
  );
  // Near-silent stretches inside speech (stop gaps, the fade before a pause) bring the lips
  // together, which the phone timings alone leave apart.
  const quietClosure = limitRate(
    Array.from(loudness, (level) => (lipGate > 0 ? clamp01(1 - level / lipGate) : 0)),
    maxStep,
  );
  const poses = shapes.map((shape, f): MouthPose => ({
    ...shape,
    jawOpen: clamp01(jaw[f] ?? 0),
    lipClosure: Math.max(shape.lipClosure, clamp01(quietClosure[f] ?? 0)),
  }));
  // The viseme track already closes p/b/m; the rule is applied again to the blended poses so
  // it holds whatever the blend did (the blend keeps lipClosure, but the jaw must be shut too).
  closeOnBilabials(poses, speech.phones, 1000 / fps);
  return { poses, openness: opennessTrack(poses) };
}

/** Limits the change between neighbouring values to `maxStep`, forwards in time. */
function limitRate(values: number[], maxStep: number): number[] {
  const out: number[] = [];
  let previous = values[0] ?? 0;
  for (const value of values) {
    previous += Math.max(-maxStep, Math.min(maxStep, value - previous));
    out.push(previous);
  }
  return out;
}

function clamp01(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
