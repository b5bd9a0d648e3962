/**
 * One mouth-openness value per pose (0 = closed, 1 = fully open), the same scale as
 * `mouthOpenness` in worker/audio/mouth-envelope.ts: what the lip-sync quality tests correlate
 * with speech energy, and what `SpeechPlayer.mouthOpenNow()` reports.
 */
import type { MouthPose } from './mouth-pose';

/** Openness of parted lips with the jaw shut. */
const LIPS_APART_SHARE = 0.3;

/**
 * Visible opening of the mouth, 0..1. Parted lips show a gap even with the teeth nearly
 * together ("ee", "s"), so a base share comes from the lips alone and the rest from the jaw
 * drop; closed lips cut it, rounding narrows it (a round "oo" shows a small hole) and a tucked
 * lower lip (f, v) hides most of it.
 */
export function opennessFromPose(pose: MouthPose): number {
  const open =
    (LIPS_APART_SHARE + (1 - LIPS_APART_SHARE) * clamp01(pose.jawOpen)) *
    (1 - clamp01(pose.lipClosure)) *
    (1 - 0.35 * clamp01(pose.lipRound)) *
    (1 - 0.6 * clamp01(pose.lowerLipTuck));
  return clamp01(open);
}

/** Openness per frame of a pose track. */
export function opennessTrack(poses: readonly MouthPose[]): Float32Array {
  return Float32Array.from(poses, opennessFromPose);
}

function clamp01(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
