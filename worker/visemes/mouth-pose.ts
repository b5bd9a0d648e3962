/**
 * The mouth pose the next renderer consumes: five independent controls, each 0..1. A pose is
 * a plain object so tracks can be posted between threads and serialised as JSON.
 */

export interface MouthPose {
  /** Jaw drop: 0 = teeth together, 1 = fully open ("aa" shouted). */
  jawOpen: number;
  /** Lip spread towards the corners: 0 = relaxed width, 1 = wide ("iy", a smile). */
  lipWidth: number;
  /** Lip rounding and protrusion: 0 = none, 1 = tight round ("w", "uw"). */
  lipRound: number;
  /** Lips touching: 0 = apart, 1 = pressed together (p, b, m; the mouth at rest). */
  lipClosure: number;
  /** Lower lip tucked under the upper teeth: 0 = none, 1 = fully (f, v). */
  lowerLipTuck: number;
}

export const POSE_KEYS = [
  'jawOpen',
  'lipWidth',
  'lipRound',
  'lipClosure',
  'lowerLipTuck',
] as const satisfies readonly (keyof MouthPose)[];

/** The mouth at rest, used for silence: jaw up, lips lightly together, nothing else active. */
export const NEUTRAL_POSE: Readonly<MouthPose> = Object.freeze({
  jawOpen: 0,
  lipWidth: 0,
  lipRound: 0,
  lipClosure: 1,
  lowerLipTuck: 0,
});

/** Builds a pose from a partial one; missing controls take the neutral value. */
export function pose(partial: Partial<MouthPose>): MouthPose {
  return { ...NEUTRAL_POSE, ...partial };
}

/** Linear blend: `t` = 0 gives `a`, 1 gives `b` (t is clamped to 0..1). */
export function lerpPose(a: MouthPose, b: MouthPose, t: number): MouthPose {
  const k = clamp01(t);
  return {
    jawOpen: a.jawOpen + (b.jawOpen - a.jawOpen) * k,
    lipWidth: a.lipWidth + (b.lipWidth - a.lipWidth) * k,
    lipRound: a.lipRound + (b.lipRound - a.lipRound) * k,
    lipClosure: a.lipClosure + (b.lipClosure - a.lipClosure) * k,
    lowerLipTuck: a.lowerLipTuck + (b.lowerLipTuck - a.lowerLipTuck) * k,
  };
}

/** Clamps every control to 0..1; NaN becomes 0. */
export function clampPose(p: MouthPose): MouthPose {
  return {
    jawOpen: clamp01(p.jawOpen),
    lipWidth: clamp01(p.lipWidth),
    lipRound: clamp01(p.lipRound),
    lipClosure: clamp01(p.lipClosure),
    lowerLipTuck: clamp01(p.lowerLipTuck),
  };
}

/** Largest absolute difference over the five controls. */
export function poseDistance(a: MouthPose, b: MouthPose): number {
  let max = 0;
  for (const key of POSE_KEYS) max = Math.max(max, Math.abs(a[key] - b[key]));
  return max;
}

function clamp01(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
