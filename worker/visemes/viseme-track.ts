/**
 * Mouth poses per video frame from TTS phone timings.
 *
 * 1. Phones become viseme segments (diphthongs split in two, `hh` borrowing the next shape,
 *    neighbours with the same viseme merged).
 * 2. Minimum hold: a segment shorter than `minHoldMs` is merged into its most similar
 *    neighbour, its target blended in by duration, so a 30 ms phone never makes the mouth
 *    jump to a pose and straight back. Closures (p b m) and silence are never merged away.
 * 3. Coarticulation: the target curve is smoothed with a raised-cosine window of half-width
 *    `coarticulationMs`, so the mouth starts moving towards the next phone that long before
 *    the boundary and settles that long after it (halfway at the boundary itself). The window
 *    has finite support: the middle of a long pause is exactly the neutral pose.
 * 4. Hard rule, applied last so smoothing cannot undo it: every p/b/m phone gets at least one
 *    frame with the lips fully closed and the jaw shut.
 */
import type { PhoneTiming } from '../tts/speech-audio';
import { type MouthPose, NEUTRAL_POSE, POSE_KEYS, lerpPose, poseDistance } from './mouth-pose';
import {
  BILABIAL_PHONES,
  DIPHTHONG_SPLIT,
  type Viseme,
  phoneVisemes,
  visemePose,
} from './phone-visemes';

export interface VisemeTrackOptions {
  /** Video frame rate in frames per second. */
  fps: number;
  /** Length of the audio in ms; the track has ceil(durationMs * fps / 1000) frames. */
  durationMs: number;
  /** Half-width of the coarticulation window in ms (default 50). */
  coarticulationMs?: number;
  /** Segments shorter than this (ms) are merged into a neighbour (default 80). */
  minHoldMs?: number;
}

export interface VisemeSegment {
  viseme: Viseme;
  startMs: number;
  endMs: number;
  /** Target pose; a blend of targets once short segments have been merged in. */
  target: MouthPose;
}

export const DEFAULT_COARTICULATION_MS = 60;
export const DEFAULT_MIN_HOLD_MS = 80;

/** Jaw opening allowed on a forced closure frame. */
const CLOSED_JAW = 0;

/** Number of video frames covering `durationMs` at `fps`. */
export function frameCount(durationMs: number, fps: number): number {
  return Math.max(0, Math.ceil((durationMs * fps) / 1000 - 1e-9));
}

/**
 * One mouth pose per video frame (frame f shows time [f, f+1) * 1000/fps ms and is sampled at
 * its middle). Phones may be empty (silence) and may run past `durationMs` (ignored).
 */
export function visemeTrack(
  phones: readonly PhoneTiming[],
  options: VisemeTrackOptions,
): MouthPose[] {
  const { fps, durationMs } = options;
  if (!(fps > 0)) throw new Error(`fps must be positive, got ${fps}`);
  const halfWidthMs = options.coarticulationMs ?? DEFAULT_COARTICULATION_MS;
  const segments = visemeSegments(phones, options.minHoldMs ?? DEFAULT_MIN_HOLD_MS);
  const frameMs = 1000 / fps;
  const count = frameCount(durationMs, fps);
  const track: MouthPose[] = [];
  let first = 0;
  for (let f = 0; f < count; f++) {
    const t = (f + 0.5) * frameMs;
    while (first < segments.length && (segments[first]?.endMs ?? 0) <= t - halfWidthMs) first++;
    track.push(smoothedPose(segments, first, t, halfWidthMs));
  }
  closeOnBilabials(track, phones, frameMs);
  return track;
}

/**
 * Viseme segments after diphthong splitting, borrowing, merging of equal neighbours and the
 * minimum hold. Exposed for inspection and tests; times in ms.
 */
export function visemeSegments(phones: readonly PhoneTiming[], minHoldMs: number): VisemeSegment[] {
  const raw: VisemeSegment[] = [];
  for (let i = 0; i < phones.length; i++) {
    const phone = phones[i];
    if (!phone || !(phone.endMs > phone.startMs)) continue;
    let visemes = phoneVisemes(phone.phone);
    // A borrowing phone (hh) takes the first shape of the next phone that has one.
    for (let j = i + 1; visemes.length === 0 && j < phones.length; j++) {
      visemes = phoneVisemes(phones[j]?.phone ?? 'pau').slice(0, 1);
    }
    const [firstViseme = 'AX', secondViseme] = visemes.length > 0 ? visemes : (['AX'] as const);
    const splitMs = secondViseme
      ? phone.startMs + (phone.endMs - phone.startMs) * DIPHTHONG_SPLIT
      : phone.endMs;
    pushSegment(raw, firstViseme, phone.startMs, splitMs);
    if (secondViseme) pushSegment(raw, secondViseme, splitMs, phone.endMs);
  }
  return applyMinimumHold(raw, minHoldMs);
}

function pushSegment(out: VisemeSegment[], viseme: Viseme, startMs: number, endMs: number): void {
  const last = out.at(-1);
  if (last && last.viseme === viseme && Math.abs(last.endMs - startMs) < 1e-6) {
    last.endMs = endMs;
    return;
  }
  out.push({ viseme, startMs, endMs, target: visemePose(viseme) });
}

/** Segments that must keep their own target: closures and pauses. */
function isAnchor(segment: VisemeSegment): boolean {
  return segment.viseme === 'PP' || segment.viseme === 'sil';
}

function applyMinimumHold(input: VisemeSegment[], minHoldMs: number): VisemeSegment[] {
  const segments = input.map((s) => ({ ...s, target: { ...s.target } }));
  for (;;) {
    let shortest = -1;
    let partner = -1;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      if (!seg || isAnchor(seg) || seg.endMs - seg.startMs >= minHoldMs) continue;
      const candidate = mergePartner(segments, i);
      if (candidate < 0) continue;
      const shortestSeg = segments[shortest];
      if (!shortestSeg || seg.endMs - seg.startMs < shortestSeg.endMs - shortestSeg.startMs) {
        shortest = i;
        partner = candidate;
      }
    }
    const a = segments[Math.min(shortest, partner)];
    const b = segments[Math.max(shortest, partner)];
    if (!a || !b) return segments;
    const aMs = a.endMs - a.startMs;
    const bMs = b.endMs - b.startMs;
    const merged: VisemeSegment = {
      viseme: aMs >= bMs ? a.viseme : b.viseme,
      startMs: a.startMs,
      endMs: b.endMs,
      target: lerpPose(a.target, b.target, bMs / (aMs + bMs)),
    };
    segments.splice(Math.min(shortest, partner), 2, merged);
  }
}

/** The adjacent non-anchor segment whose target is closest to segment i's, or -1. */
function mergePartner(segments: readonly VisemeSegment[], i: number): number {
  const seg = segments[i];
  if (!seg) return -1;
  let best = -1;
  let bestDistance = Infinity;
  for (const j of [i - 1, i + 1]) {
    const other = segments[j];
    if (!other || isAnchor(other)) continue;
    // Only segments that touch: a gap between them is silence.
    const gapMs = j < i ? seg.startMs - other.endMs : other.startMs - seg.endMs;
    if (Math.abs(gapMs) > 1e-6) continue;
    const distance = poseDistance(seg.target, other.target);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = j;
    }
  }
  return best;
}

/**
 * Cumulative raised-cosine window of half-width w: the share of the window's weight at or
 * before x (x relative to the window's centre).
 */
function windowCdf(x: number, w: number): number {
  if (x <= -w) return 0;
  if (x >= w) return 1;
  return 0.5 + x / (2 * w) + Math.sin((Math.PI * x) / w) / (2 * Math.PI);
}

/** Target curve averaged over a raised-cosine window centred on t; gaps count as silence. */
function smoothedPose(
  segments: readonly VisemeSegment[],
  first: number,
  t: number,
  halfWidthMs: number,
): MouthPose {
  if (halfWidthMs <= 0) return { ...(segmentAt(segments, first, t)?.target ?? NEUTRAL_POSE) };
  const sum: MouthPose = { jawOpen: 0, lipWidth: 0, lipRound: 0, lipClosure: 0, lowerLipTuck: 0 };
  let covered = 0;
  for (let i = first; i < segments.length; i++) {
    const seg = segments[i];
    if (!seg || seg.startMs >= t + halfWidthMs) break;
    const weight = windowCdf(t - seg.startMs, halfWidthMs) - windowCdf(t - seg.endMs, halfWidthMs);
    if (weight <= 0) continue;
    covered += weight;
    for (const key of POSE_KEYS) sum[key] += weight * seg.target[key];
  }
  const rest = Math.max(0, 1 - covered);
  for (const key of POSE_KEYS)
    sum[key] = Math.min(1, Math.max(0, sum[key] + rest * NEUTRAL_POSE[key]));
  return sum;
}

function segmentAt(segments: readonly VisemeSegment[], first: number, t: number) {
  for (let i = first; i < segments.length; i++) {
    const seg = segments[i];
    if (seg && seg.startMs <= t && t < seg.endMs) return seg;
  }
  return undefined;
}

/**
 * Frames whose middle lies inside a p/b/m phone are closed; a phone too short to contain a
 * frame's middle closes the frame holding its own midpoint. Lip width and rounding keep
 * their smoothed values: lips round ahead of "oo" even while pressed together for "m".
 */
export function closeOnBilabials(
  track: MouthPose[],
  phones: readonly PhoneTiming[],
  frameMs: number,
): void {
  if (track.length === 0) return;
  for (const phone of phones) {
    if (!BILABIAL_PHONES.has(phone.phone) || !(phone.endMs > phone.startMs)) continue;
    let first = Math.ceil(phone.startMs / frameMs - 0.5);
    let last = Math.ceil(phone.endMs / frameMs - 0.5) - 1;
    if (last < first) first = last = Math.floor((phone.startMs + phone.endMs) / 2 / frameMs);
    for (let f = Math.max(0, first); f <= Math.min(last, track.length - 1); f++) {
      const frame = track[f];
      if (!frame) continue;
      frame.lipClosure = 1;
      frame.jawOpen = CLOSED_JAW;
      frame.lowerLipTuck = 0;
    }
  }
}
