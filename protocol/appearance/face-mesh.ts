/**
 * The lower-face warp mesh: four rings of 20 points around the mouth (inner lip, outer lip,
 * a jaw/chin ring, a ring of fixed anchors), joined by quads split into triangles, plus a
 * strip across the inner-lip gap (the mouth interior). The topology is the same for every
 * face; only the point positions come from a frame's landmarks, so one triangle list serves
 * every frame of a video.
 */
import type { FaceGeometry } from '../face-geometry';
import { LANDMARK, landmark, type Point } from './face-landmarks';

/** Points per ring. Index 0 is the image-left corner, 1..9 the upper lip left → right, 10 the
 * image-right corner, 11..19 the lower lip right → left. */
export const RING_SIZE = 20;
export const RING_COUNT = 4;
export const VERTEX_COUNT = RING_SIZE * RING_COUNT;
export const RING = { innerLip: 0, outerLip: 1, jaw: 2, anchor: 3 } as const;

/** FaceMesh outer lip contour, in ring order. */
export const OUTER_LIP_INDICES = [
  61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146,
] as const;
/** FaceMesh inner lip contour, in ring order (78/308 are the inner corners). */
export const INNER_LIP_INDICES = [
  78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95,
] as const;
/** FaceMesh lower face oval, image-left ear → chin → image-right ear. */
export const JAW_INDICES = [
  234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361, 323,
  454,
] as const;
/** FaceMesh midline from the lower lip to the chin tip. */
export const CHIN_INDICES = [17, 18, 200, 199, 175, 152] as const;

/** Where the mouth sits: centre, unit axis corner → corner, unit down axis, sizes in px. */
export interface MouthFrame {
  centre: Point;
  ex: Point;
  ey: Point;
  /** Corner-to-corner distance, px. */
  widthPx: number;
  /** Centre to the chin along ey, px. */
  chinPx: number;
  /** Centre to the top of the upper lip along -ey, px. */
  upperLipPx: number;
}

export function mouthFrame(face: FaceGeometry): MouthFrame {
  const a = landmark(face, LANDMARK.mouthLeftCorner);
  const b = landmark(face, LANDMARK.mouthRightCorner);
  const [l, r] = a.x <= b.x ? [a, b] : [b, a];
  const widthPx = Math.max(4, Math.hypot(r.x - l.x, r.y - l.y));
  const ex = { x: (r.x - l.x) / widthPx, y: (r.y - l.y) / widthPx };
  const ey = { x: -ex.y, y: ex.x };
  const centre = { x: (l.x + r.x) / 2, y: (l.y + r.y) / 2 };
  const along = (p: Point) => (p.x - centre.x) * ey.x + (p.y - centre.y) * ey.y;
  const top = landmark(face, LANDMARK.upperLipTop);
  const bottom = landmark(face, LANDMARK.lowerLipBottom);
  const chin = landmark(face, LANDMARK.chin);
  return {
    centre,
    ex,
    ey,
    widthPx,
    upperLipPx: Math.max(2, -along(top)),
    chinPx: Math.max(along(bottom) + 4, along(chin)),
  };
}

/**
 * Lip contours as [x0, y0, x1, y1, …] in ring order. FaceMesh's own contour when it is
 * plausible; otherwise (a face with only the key landmarks, like the synthetic test face)
 * arcs through the corners, lip tops and inner lip points.
 */
export function lipContours(face: FaceGeometry): {
  outer: Float64Array;
  inner: Float64Array;
  source: 'facemesh' | 'keypoints';
} {
  const frame = mouthFrame(face);
  const outer = pick(face, OUTER_LIP_INDICES);
  const inner = pick(face, INNER_LIP_INDICES);
  if (outer && inner && plausible(outer, inner, face, frame)) {
    return { outer, inner, source: 'facemesh' };
  }
  const local = (p: Point) => ({
    x: (p.x - frame.centre.x) * frame.ex.x + (p.y - frame.centre.y) * frame.ex.y,
    y: (p.x - frame.centre.x) * frame.ey.x + (p.y - frame.centre.y) * frame.ey.y,
  });
  const up = -local(landmark(face, LANDMARK.upperLipTop)).y;
  const down = local(landmark(face, LANDMARK.lowerLipBottom)).y;
  const innerUp = -local(landmark(face, LANDMARK.innerUpperLip)).y;
  const innerDown = local(landmark(face, LANDMARK.innerLowerLip)).y;
  const half = frame.widthPx / 2;
  const arcs = (depthUp: number, depthDown: number, widthScale: number) => {
    const out = new Float64Array(RING_SIZE * 2);
    for (let k = 0; k < RING_SIZE; k++) {
      const upper = k <= 10;
      const u = upper ? k / 10 : (20 - k) / 10;
      const lx = (u * 2 - 1) * half * widthScale;
      const bulge = Math.pow(Math.sin(Math.PI * u), 0.7);
      const ly = upper ? -depthUp * bulge : depthDown * bulge;
      out[k * 2] = frame.centre.x + lx * frame.ex.x + ly * frame.ey.x;
      out[k * 2 + 1] = frame.centre.y + lx * frame.ex.y + ly * frame.ey.y;
    }
    return out;
  };
  return {
    outer: arcs(up, down, 1),
    inner: arcs(innerUp, innerDown, 0.93),
    source: 'keypoints',
  };
}

function pick(face: FaceGeometry, indices: readonly number[]): Float64Array | undefined {
  const out = new Float64Array(indices.length * 2);
  for (let i = 0; i < indices.length; i++) {
    const p = face.landmarks[indices[i]!];
    if (!p) return undefined;
    out[i * 2] = p[0];
    out[i * 2 + 1] = p[1];
  }
  return out;
}

/** Every lip point near the box spanned by the corners and the lip tops. */
function plausible(
  outer: Float64Array,
  inner: Float64Array,
  face: FaceGeometry,
  frame: MouthFrame,
): boolean {
  const top = landmark(face, LANDMARK.upperLipTop);
  const bottom = landmark(face, LANDMARK.lowerLipBottom);
  const slack = frame.widthPx * 0.25;
  const x0 = frame.centre.x - frame.widthPx / 2 - slack;
  const x1 = frame.centre.x + frame.widthPx / 2 + slack;
  const y0 = Math.min(top.y, bottom.y) - slack;
  const y1 = Math.max(top.y, bottom.y) + slack;
  for (const list of [outer, inner]) {
    for (let i = 0; i < list.length; i += 2) {
      const x = list[i]!;
      const y = list[i + 1]!;
      if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) return false;
    }
  }
  return true;
}

/**
 * Rest positions of all mesh vertices on this face, written into `out` (VERTEX_COUNT × 2).
 * Rings 2 and 3 follow ellipses in the mouth's own frame: ring 2 passes through the chin
 * and below the nose, ring 3 (fixed anchors) lies well outside it, below the chin, in the
 * cheeks and at the nose base.
 */
export function meshVertices(face: FaceGeometry, out = new Float64Array(VERTEX_COUNT * 2)) {
  const { outer, inner } = lipContours(face);
  const f = mouthFrame(face);
  out.set(inner, RING.innerLip * RING_SIZE * 2);
  out.set(outer, RING.outerLip * RING_SIZE * 2);
  const half = f.widthPx / 2;
  // [horizontal semi-axis, up semi-axis, down semi-axis] of the two outer rings, px.
  // Upwards the rings stop short of the nose base (about a third of the mouth width above
  // the lip line), however thin the upper lip.
  const rings = [
    [half * 1.55, Math.max(f.upperLipPx * 1.6, f.widthPx * 0.2), f.chinPx],
    [half * 2.3, Math.max(f.upperLipPx * 2.5, f.widthPx * 0.34), f.chinPx * 1.65],
  ] as const;
  for (let r = 0; r < 2; r++) {
    const [a, bUp, bDown] = rings[r]!;
    for (let k = 0; k < RING_SIZE; k++) {
      const ox = outer[k * 2]! - f.centre.x;
      const oy = outer[k * 2 + 1]! - f.centre.y;
      // The direction of the outer lip point, normalised by the lip's own extent.
      const lx = (ox * f.ex.x + oy * f.ex.y) / half;
      const upper = k <= 10;
      const theta = Math.acos(Math.max(-1, Math.min(1, lx)));
      const px = a * Math.cos(theta);
      const py = (upper ? -bUp : bDown) * Math.sin(theta);
      const o = ((r + 2) * RING_SIZE + k) * 2;
      out[o] = f.centre.x + px * f.ex.x + py * f.ey.x;
      out[o + 1] = f.centre.y + px * f.ex.y + py * f.ey.y;
    }
  }
  return out;
}

/** Lower partner of upper inner-lip point k (0..10) across the mouth gap. */
export function lowerPartner(k: number): number {
  return (RING_SIZE - k) % RING_SIZE;
}

/**
 * The triangles, as index triples into the vertex list: first the interior strip across
 * the inner-lip gap (`interiorCount` of them), then the ring quads.
 */
export function meshTriangles(): {
  triangles: Array<[number, number, number]>;
  interiorCount: number;
} {
  const triangles: Array<[number, number, number]> = [];
  for (let k = 0; k < 10; k++) {
    const u0 = k;
    const u1 = k + 1;
    const l0 = lowerPartner(k);
    const l1 = lowerPartner(k + 1);
    if (u0 !== l0) triangles.push([u0, u1, l0]);
    if (u1 !== l1) triangles.push([u1, l1, l0]);
  }
  const interiorCount = triangles.length;
  for (let r = 0; r < RING_COUNT - 1; r++) {
    for (let k = 0; k < RING_SIZE; k++) {
      const a = r * RING_SIZE + k;
      const b = r * RING_SIZE + ((k + 1) % RING_SIZE);
      const c = (r + 1) * RING_SIZE + ((k + 1) % RING_SIZE);
      const d = (r + 1) * RING_SIZE + k;
      triangles.push([a, b, c], [a, c, d]);
    }
  }
  return { triangles, interiorCount };
}
