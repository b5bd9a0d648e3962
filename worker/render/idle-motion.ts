/**
 * Idle life for a still portrait: a slight head sway (about a pixel, a fraction of a degree)
 * and breathing (shoulders and chest rising a pixel or two), done as a backward warp whose
 * weight is 1 on the head, fades out smoothly around it and is 0 on the background, so the
 * background stays put. The motion is a sum of incommensurate sines: smooth, never visibly
 * periodic.
 */
import type { FaceGeometry } from '../protocol/session-request';
import { lerpPacked, sampleBilinear } from './bilinear';

/** Head displacement at time t: translation (px) and rotation (rad) about the neck. */
export interface HeadMotion {
  dxPx: number;
  dyPx: number;
  angleRad: number;
  /** Upward lift of the shoulders, px. */
  breathPx: number;
}

export class IdleMotion {
  /** Bounding box of the warped region (inclusive x0/y0, exclusive x1/y1). */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Per-pixel weights over the box: head (sway) and body (breathing). */
  private readonly headWeight: Float32Array;
  private readonly bodyWeight: Float32Array;
  /** Rotation pivot (the neck), px. */
  readonly pivotX: number;
  readonly pivotY: number;
  private readonly swayPx: number;
  private readonly breathAmpPx: number;
  /** The current motion; updated in place by `at()`. */
  readonly motion: HeadMotion = { dxPx: 0, dyPx: 0, angleRad: 0, breathPx: 0 };

  constructor(
    private readonly widthPx: number,
    private readonly heightPx: number,
    face: FaceGeometry,
  ) {
    const { box } = face;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    // Head: weight 1 inside this ellipse, 0 beyond 1.5× it.
    const rx = (box.width / 2) * 1.3;
    const ry = (box.height / 2) * 1.3;
    this.pivotX = cx;
    this.pivotY = box.y + box.height * 1.05;
    this.swayPx = Math.max(0.6, box.width * 0.005);
    this.breathAmpPx = Math.max(0.8, box.width * 0.007);
    // Body: from below the chin to the bottom, about three face widths wide.
    const bodyTop = box.y + box.height * 1.05;
    const bodyHalf = box.width * 1.6;
    this.x0 = clampInt(cx - Math.max(rx * 1.5, bodyHalf * 1.3), 0, widthPx);
    this.x1 = clampInt(cx + Math.max(rx * 1.5, bodyHalf * 1.3) + 1, 0, widthPx);
    this.y0 = clampInt(cy - ry * 1.5, 0, heightPx);
    this.y1 = heightPx;
    const w = Math.max(0, this.x1 - this.x0);
    const h = Math.max(0, this.y1 - this.y0);
    this.headWeight = new Float32Array(w * h);
    this.bodyWeight = new Float32Array(w * h);
    for (let y = this.y0; y < this.y1; y++) {
      for (let x = this.x0; x < this.x1; x++) {
        const i = (y - this.y0) * w + (x - this.x0);
        const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
        this.headWeight[i] = 1 - smoothstep(1, 1.5, d);
        // Shoulders rise most just below the neck, not at the image edge, and fade sideways.
        const down = smoothstep(bodyTop, bodyTop + box.height * 0.5, y);
        const side = 1 - smoothstep(bodyHalf, bodyHalf * 1.3, Math.abs(x - cx));
        const bottom = 1 - smoothstep(heightPx * 0.9, heightPx, y);
        this.bodyWeight[i] = down * side * bottom;
      }
    }
  }

  /** Sets `motion` for time `timeMs` and returns it (the same object each time). */
  at(timeMs: number): HeadMotion {
    const t = timeMs / 1000;
    const m = this.motion;
    m.dxPx = this.swayPx * (0.6 * Math.sin(0.83 * t + 0.4) + 0.4 * Math.sin(0.377 * t + 2.1));
    m.dyPx = this.swayPx * 0.5 * (0.7 * Math.sin(0.61 * t + 1.3) + 0.3 * Math.sin(1.37 * t));
    // About ±0.35°.
    m.angleRad = 0.006 * (0.55 * Math.sin(0.47 * t + 0.9) + 0.45 * Math.sin(0.213 * t + 4.0));
    // ~4.2 s breaths whose phase drifts slowly.
    const phase = (2 * Math.PI * t) / 4.2 + 0.6 * Math.sin(0.11 * t);
    m.breathPx = this.breathAmpPx * (0.5 - 0.5 * Math.cos(phase));
    return m;
  }

  /**
   * Warps the box of `src` into `out` (packed RGBA frames of this size, `out` already
   * holding `src`); pixels that do not move are left as they are. Call `at()` first.
   */
  apply(src: Uint32Array, out: Uint32Array): void {
    const { dxPx, dyPx, angleRad, breathPx } = this.motion;
    const widthPx = this.widthPx;
    const maxY = this.heightPx - 1;
    const w = this.x1 - this.x0;
    for (let y = this.y0; y < this.y1; y++) {
      let i = (y - this.y0) * w;
      const rowDx = dxPx - angleRad * (y - this.pivotY);
      const rowDy = dyPx - angleRad * this.pivotX - breathPx;
      let p = y * widthPx + this.x0;
      for (let x = this.x0; x < this.x1; x++, i++, p++) {
        const hw = this.headWeight[i]!;
        const bw = this.bodyWeight[i]!;
        const ddx = hw * rowDx;
        // The head rides on the shoulders, so it rises with them too.
        const ddy = hw * (rowDy + angleRad * x) - bw * breathPx;
        if (ddx > -0.004 && ddx < 0.004) {
          if (ddy > -0.004 && ddy < 0.004) continue;
          // Breathing alone is vertical: interpolate between two rows only.
          let sy = y - ddy;
          sy = sy < 0 ? 0 : sy > maxY ? maxY : sy;
          const qy = (sy * 256 + 0.5) | 0;
          const iy = qy >> 8;
          const a = src[iy * widthPx + x]!;
          out[p] = iy < maxY ? lerpPacked(a, src[(iy + 1) * widthPx + x]!, qy & 255) : a;
          continue;
        }
        out[p] = sampleBilinear(src, widthPx, this.heightPx, x - ddx, y - ddy);
      }
    }
  }

  /** Total displacement (x, y) at a point: head motion plus breathing, px. */
  displacementX(x: number, y: number): number {
    return this.headWeightAt(x, y) * (this.motion.dxPx - this.motion.angleRad * (y - this.pivotY));
  }

  displacementY(x: number, y: number): number {
    const m = this.motion;
    const hw = this.headWeightAt(x, y);
    return (
      hw * (m.dyPx + m.angleRad * (x - this.pivotX) - m.breathPx) -
      this.bodyWeightAt(x, y) * m.breathPx
    );
  }

  /** Whether the idle warp may move the pixel at (x, y) at all. */
  movesAt(x: number, y: number): boolean {
    return this.headWeightAt(x, y) > 0 || this.bodyWeightAt(x, y) > 0;
  }

  private headWeightAt(x: number, y: number): number {
    return this.weightAt(this.headWeight, x, y);
  }

  private bodyWeightAt(x: number, y: number): number {
    return this.weightAt(this.bodyWeight, x, y);
  }

  private weightAt(map: Float32Array, x: number, y: number): number {
    const ix = Math.round(x);
    const iy = Math.round(y);
    if (ix < this.x0 || ix >= this.x1 || iy < this.y0 || iy >= this.y1) return 0;
    return map[(iy - this.y0) * (this.x1 - this.x0) + (ix - this.x0)]!;
  }
}

function smoothstep(edge0: number, edge1: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}
