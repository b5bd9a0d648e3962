/**
 * Temporal smoothing of a face track (landmarks per video frame). Per-frame detection
 * jitters by a pixel or two; played back that reads as a trembling face. A Gaussian kernel
 * centred on each frame is symmetric, so the filter is zero-phase: it removes the jitter
 * without delaying real head motion (a one-sided filter would make the face lag the video).
 */

export type Point = [number, number];

/** Default kernel width: σ = 1.5 frames (60 ms at 25 fps), well below head-motion rates. */
export const DEFAULT_SMOOTHING_SIGMA_FRAMES = 1.5;

/**
 * Fills frames without a detection by linear interpolation between the nearest frames
 * that have one (held constant before the first and after the last). Throws when no frame
 * has a detection.
 */
export function fillTrackGaps(track: readonly (readonly Point[] | null)[]): Point[][] {
  const known = track.flatMap((points, index) => (points ? [index] : []));
  if (known.length === 0) throw new RangeError('no frame of the track has landmarks');
  return track.map((points, index) => {
    if (points) return points.map(([x, y]): Point => [x, y]);
    const after = known.find((k) => k > index);
    const before = [...known].reverse().find((k) => k < index);
    if (before === undefined || after === undefined) {
      const nearest = track[(before ?? after) as number] as readonly Point[];
      return nearest.map(([x, y]): Point => [x, y]);
    }
    const t = (index - before) / (after - before);
    const a = track[before] as readonly Point[];
    const b = track[after] as readonly Point[];
    return a.map(([ax, ay], i): Point => {
      const [bx, by] = b[i] as Point;
      return [ax + (bx - ax) * t, ay + (by - ay) * t];
    });
  });
}

/**
 * Smooths every landmark's x and y over time with a normalised Gaussian kernel of σ =
 * sigmaFrames (truncated at 3σ; renormalised at the ends of the clip, so the first and last
 * frames are not pulled towards zero). All frames must hold the same number of points.
 */
export function smoothLandmarkTrack(
  track: readonly (readonly Point[])[],
  sigmaFrames = DEFAULT_SMOOTHING_SIGMA_FRAMES,
): Point[][] {
  if (track.length === 0) return [];
  const pointCount = track[0]?.length ?? 0;
  if (track.some((points) => points.length !== pointCount)) {
    throw new RangeError('every frame of the track needs the same number of landmarks');
  }
  if (!(sigmaFrames > 0)) return track.map((points) => points.map(([x, y]): Point => [x, y]));
  const radius = Math.ceil(3 * sigmaFrames);
  const weights = Array.from({ length: 2 * radius + 1 }, (_, k) =>
    Math.exp(-((k - radius) ** 2) / (2 * sigmaFrames ** 2)),
  );
  return track.map((_, frame) => {
    const from = Math.max(0, frame - radius);
    const to = Math.min(track.length - 1, frame + radius);
    let total = 0;
    for (let f = from; f <= to; f++) total += weights[f - frame + radius] as number;
    const smoothed: Point[] = [];
    for (let i = 0; i < pointCount; i++) {
      let x = 0;
      let y = 0;
      for (let f = from; f <= to; f++) {
        const w = weights[f - frame + radius] as number;
        const [px, py] = (track[f] as readonly Point[])[i] as Point;
        x += w * px;
        y += w * py;
      }
      smoothed.push([x / total, y / total]);
    }
    return smoothed;
  });
}

/** Mean frame-to-frame change of the velocity (second difference), px: a jitter measure. */
export function trackJitterPx(track: readonly (readonly Point[])[]): number {
  let sum = 0;
  let count = 0;
  for (let f = 1; f + 1 < track.length; f++) {
    const [a, b, c] = [track[f - 1], track[f], track[f + 1]] as (readonly Point[])[];
    for (let i = 0; i < (b?.length ?? 0); i++) {
      const [ax, ay] = a?.[i] as Point;
      const [bx, by] = b?.[i] as Point;
      const [cx, cy] = c?.[i] as Point;
      sum += Math.hypot(ax - 2 * bx + cx, ay - 2 * by + cy);
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}
