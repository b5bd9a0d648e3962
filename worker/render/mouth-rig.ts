/**
 * How each warp-mesh vertex of one face moves with the mouth pose: per control a
 * displacement vector (px at control = 1), precomputed once per face so that posing the mesh
 * each frame is a handful of multiply-adds per vertex.
 */
import type { FaceGeometry } from '../../protocol/face-geometry';
import type { MouthPose } from '../visemes/mouth-pose';
import {
  RING,
  RING_SIZE,
  VERTEX_COUNT,
  lowerPartner,
  meshVertices,
  mouthFrame,
} from '../../protocol/appearance/face-mesh';

/** The displacement bases, in this order, each VERTEX_COUNT × 2 floats. */
const BASES = ['jaw', 'open', 'width', 'round', 'tuck', 'closeRest'] as const;
type Basis = (typeof BASES)[number];

export class MouthRig {
  /** Rest positions on this face's frame, px, [x0, y0, x1, y1, …]. */
  readonly rest: Float64Array;
  private readonly basis: Record<Basis, Float64Array>;
  /** Inner-lip gap per upper inner point k (0..10) at rest, px. */
  readonly restGapPx: Float64Array;
  readonly mouthWidthPx: number;
  /** Whether lip closure should also close the gap the face shows at rest. */
  readonly closesRestGap: boolean;

  constructor(face: FaceGeometry, openAtRest: boolean) {
    const f = mouthFrame(face);
    this.rest = meshVertices(face);
    this.mouthWidthPx = f.widthPx;
    this.closesRestGap = openAtRest;
    const W = f.widthPx;
    const half = W / 2;
    // Largest jaw drop: about a quarter of the mouth width, never past what the chin allows.
    const drop = Math.min(W * 0.26, f.chinPx * 0.45);
    const rest = this.rest;
    const local = (v: number) => {
      const x = rest[v * 2]! - f.centre.x;
      const y = rest[v * 2 + 1]! - f.centre.y;
      return { lx: (x * f.ex.x + y * f.ex.y) / half, ly: x * f.ey.x + y * f.ey.y };
    };
    const inner = (k: number) => RING.innerLip * RING_SIZE + k;
    const outer = (k: number) => RING.outerLip * RING_SIZE + k;
    const lowerLipPx = Math.max(2, local(outer(15)).ly - local(inner(15)).ly);
    this.restGapPx = new Float64Array(11);
    for (let k = 0; k <= 10; k++) {
      this.restGapPx[k] = Math.max(0, local(inner(lowerPartner(k))).ly - local(inner(k)).ly);
    }

    this.basis = Object.fromEntries(
      BASES.map((b) => [b, new Float64Array(VERTEX_COUNT * 2)]),
    ) as Record<Basis, Float64Array>;
    // Writes a displacement given in the mouth's frame (along, down) in px.
    const set = (b: Basis, v: number, along: number, down: number) => {
      const arr = this.basis[b];
      arr[v * 2] = along * f.ex.x + down * f.ey.x;
      arr[v * 2 + 1] = along * f.ex.y + down * f.ey.y;
    };

    for (let r = 0; r < 4; r++) {
      for (let k = 0; k < RING_SIZE; k++) {
        const v = r * RING_SIZE + k;
        const { lx } = local(v);
        const corner = k === 0 || k === 10;
        const lower = k > 10;
        const bell = Math.pow(Math.max(0, 1 - lx * lx), 0.35);
        if (r === RING.anchor) continue;
        if (r === RING.jaw) {
          const bellJaw = Math.sqrt(Math.max(0, 1 - (lx / 1.55) ** 2));
          if (lower) set('jaw', v, 0, drop * bellJaw);
          else if (corner) set('jaw', v, 0, drop * 0.15);
          set('width', v, lx * W * 0.03, 0);
          set('round', v, -lx * W * 0.03, 0);
          continue;
        }
        const isInner = r === RING.innerLip;
        // Opening: the lower lip rides on the jaw, corners follow a little, upper lip lifts.
        if (lower) set('open', v, 0, drop * bell);
        else if (corner) set('open', v, 0, drop * 0.3);
        else set('open', v, 0, -drop * 0.06 * bell);
        // Spread: corners pull out (and up a touch, as in a smile).
        set('width', v, lx * W * 0.07, corner ? -W * 0.02 : 0);
        // Rounding: narrower, the lips pushed out into a rounder outline.
        const inward = -lx * W * (isInner ? 0.11 : 0.09);
        if (lower) set('round', v, inward, W * (isInner ? 0.03 : 0.05) * bell);
        else if (corner) set('round', v, inward, 0);
        else set('round', v, inward, -W * (isInner ? 0.03 : 0.04) * bell);
        // Tuck (f, v): upper lip lifts to bare the teeth edge, the lower lip rolls in and up.
        if (lower) {
          set('tuck', v, 0, -(isInner ? W * 0.02 : lowerLipPx * 0.35) * bell);
        } else if (!corner) {
          set('tuck', v, 0, -W * (isInner ? 0.06 : 0.035) * bell);
        }
        // Closing a mouth that is open at rest: both lips meet at the middle of the gap.
        if (openAtRest && !corner) {
          const column = lower ? RING_SIZE - k : k;
          const halfGap = (this.restGapPx[column] ?? 0) / 2;
          set('closeRest', v, 0, (lower ? -halfGap : halfGap) * (isInner ? 1 : 0.8));
        }
      }
    }
  }

  /** Writes the posed vertex positions (rest + pose, px) into `out` (VERTEX_COUNT × 2). */
  pose(out: Float64Array, p: MouthPose): void {
    const jaw = clamp01(p.jawOpen);
    const closure = clamp01(p.lipClosure);
    const open = (1 - closure) * (0.1 + 0.9 * jaw);
    const width = clamp01(p.lipWidth);
    const round = clamp01(p.lipRound);
    const tuck = clamp01(p.lowerLipTuck);
    const closeRest = this.closesRestGap ? closure : 0;
    const { jaw: bj, open: bo, width: bw, round: br, tuck: bt, closeRest: bc } = this.basis;
    const rest = this.rest;
    for (let i = 0; i < VERTEX_COUNT * 2; i += 2) {
      out[i] =
        rest[i]! +
        jaw * bj[i]! +
        open * bo[i]! +
        width * bw[i]! +
        round * br[i]! +
        tuck * bt[i]! +
        closeRest * bc[i]!;
      out[i + 1] =
        rest[i + 1]! +
        jaw * bj[i + 1]! +
        open * bo[i + 1]! +
        width * bw[i + 1]! +
        round * br[i + 1]! +
        tuck * bt[i + 1]! +
        closeRest * bc[i + 1]!;
    }
  }
}

function clamp01(v: number): number {
  return v > 0 ? (v < 1 ? v : 1) : 0;
}
