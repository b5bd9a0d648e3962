/**
 * Idle life for a still portrait: a slight head sway (about a pixel, a fraction of a degree)
 * and breathing (shoulders and chest rising a pixel or two), done as a backward warp whose
 * weight is 1 on the head, fades out smoothly around it and is 0 on the background, so the
 * background stays put. The motion is a sum of incommensurate sines: smooth, never visibly
 * periodic.
 */
import type { FaceGeometry } from '../../protocol/face-geometry';
import { lerpPacked, sampleBilinearQ } from './bilinear';
import { longestRuns, outerSpans } from './row-spans';

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
  /** Per row of the box: the span [start, end) of x with any weight (the rest never moves). */
  private readonly rowStart: Int32Array;
  private readonly rowEnd: Int32Array;
  /** Per row: the span where the head weight is exactly 1 and the body's 0 (pure head motion). */
  private readonly coreStart: Int32Array;
  private readonly coreEnd: Int32Array;
  /** Per row: the span with any head weight (outside it only breathing moves pixels). */
  private readonly headStart: Int32Array;
  private readonly headEnd: Int32Array;
  /** The current row's head shift (x, and y before rotation), px; see apply(). */
  private readonly rowShift = new Float64Array(2);
  /** Rotation pivot (the neck), px. */
  readonly pivotX: number;
  readonly pivotY: number;
  private readonly swayPx: number;
  private readonly breathAmpPx: number;
  /** The current motion; updated in place by `at()`. */
  readonly motion: HeadMotion = { dxPx: 0, dyPx: 0, angleRad: 0, breathPx: 0 };
  /** The motion of the last redraw (see advance()). */
  private readonly drawn: HeadMotion = { dxPx: 0, dyPx: 0, angleRad: 0, breathPx: 0 };
  private hasDrawn = false;
  /** Farthest a moving pixel is from the rotation pivot, px. */
  private readonly reachPx: number;

  constructor(
    private readonly widthPx: number,
    private readonly heightPx: number,
    face: FaceGeometry,
  ) {
    const { box } = face;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    // Head: weight 1 inside this ellipse (the face box and a margin for hair and chin),
    // fading to 0 at 1.3× it.
    const rx = (box.width / 2) * 1.15;
    const ry = (box.height / 2) * 1.15;
    this.pivotX = cx;
    this.pivotY = box.y + box.height * 1.05;
    this.swayPx = Math.max(0.5, box.width * 0.004);
    this.breathAmpPx = Math.max(0.7, box.width * 0.006);
    this.reachPx = Math.hypot(box.width, box.height) * 1.3;
    // Body: from below the chin to the bottom, about three face widths wide.
    const bodyTop = box.y + box.height * 1.05;
    const bodyHalf = box.width * 1.4;
    this.x0 = clampInt(cx - Math.max(rx * 1.3, bodyHalf * 1.3), 0, widthPx);
    this.x1 = clampInt(cx + Math.max(rx * 1.3, bodyHalf * 1.3) + 1, 0, widthPx);
    this.y0 = clampInt(cy - ry * 1.3, 0, heightPx);
    this.y1 = heightPx;
    const w = Math.max(0, this.x1 - this.x0);
    const h = Math.max(0, this.y1 - this.y0);
    this.headWeight = new Float32Array(w * h);
    this.bodyWeight = new Float32Array(w * h);
    for (let y = this.y0; y < this.y1; y++) {
      for (let x = this.x0; x < this.x1; x++) {
        const i = (y - this.y0) * w + (x - this.x0);
        const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
        this.headWeight[i] = 1 - smoothstep(1, 1.3, d);
        // Shoulders rise most just below the neck, not at the image edge, and fade sideways.
        const down = smoothstep(bodyTop, bodyTop + box.height * 0.5, y);
        const side = 1 - smoothstep(bodyHalf, bodyHalf * 1.3, Math.abs(x - cx));
        const bottom = 1 - smoothstep(heightPx * 0.9, heightPx, y);
        this.bodyWeight[i] = down * side * bottom;
      }
    }
    const head = this.headWeight;
    const body = this.bodyWeight;
    const rows = outerSpans(w, h, this.x0, (r, c) => head[r * w + c]! > 0 || body[r * w + c]! > 0);
    this.rowStart = rows.start;
    this.rowEnd = rows.end;
    const heads = outerSpans(w, h, this.x0, (r, c) => head[r * w + c]! > 0);
    this.headStart = heads.start;
    this.headEnd = heads.end;
    // The core's samples stay inside the image: sway is at most a few px, keep 8 px clear.
    const margin = 8;
    const core = longestRuns(w, h, this.x0, (r, c) => {
      const x = this.x0 + c;
      const y = this.y0 + r;
      const inside = x >= margin && x < widthPx - margin && y >= margin && y < heightPx - margin;
      return inside && head[r * w + c] === 1 && body[r * w + c] === 0;
    });
    this.coreStart = core.start;
    this.coreEnd = core.end;
  }

  /**
   * Advances to `timeMs`. Returns true when some pixel would move by more than
   * `thresholdPx` relative to the last state this returned true for: the caller then
   * redraws its idle layer with apply(). Otherwise `motion` stays at that last state, so a
   * layer drawn then is still exact for displacementX/Y. (The motion is slow, ~1 px/s:
   * steps of 0.1 px, a redraw every ~4 frames at 25 fps, are invisible; each redraw costs a
   * warp of the head and body, a conversion of that box and its encoding.)
   */
  advance(timeMs: number, thresholdPx = 0.1): boolean {
    const drawn = this.drawn;
    const m = this.at(timeMs);
    const change = Math.max(
      Math.abs(m.dxPx - drawn.dxPx),
      Math.abs(m.dyPx - drawn.dyPx),
      Math.abs(m.angleRad - drawn.angleRad) * this.reachPx,
      Math.abs(m.breathPx - drawn.breathPx),
    );
    if (this.hasDrawn && change <= thresholdPx) {
      copyMotion(drawn, m);
      return false;
    }
    copyMotion(m, drawn);
    this.hasDrawn = true;
    return true;
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
    for (let y = this.y0; y < this.y1; y++) {
      const row = y - this.y0;
      const start = this.rowStart[row]!;
      const end = this.rowEnd[row]!;
      const coreStart = this.coreStart[row]!;
      const coreEnd = this.coreEnd[row]!;
      const rowDx = dxPx - angleRad * (y - this.pivotY);
      const rowDy = dyPx - angleRad * this.pivotX - breathPx * HEAD_BREATH;
      // Passed through a typed array: doubles as call arguments would be boxed (allocated).
      this.rowShift[0] = rowDx;
      this.rowShift[1] = rowDy;
      const headStart = this.headStart[row]!;
      const headEnd = this.headEnd[row]!;
      if (headEnd <= headStart) {
        this.bodySpan(src, out, y, start, end);
        continue;
      }
      this.bodySpan(src, out, y, start, headStart);
      if (coreEnd <= coreStart) {
        this.warpSpan(src, out, y, headStart, headEnd);
        this.bodySpan(src, out, y, headEnd, end);
        continue;
      }
      this.warpSpan(src, out, y, headStart, coreStart);
      // Core of the head (weight 1): the x shift is constant along the row, so the
      // horizontal interpolation weight is too; only the vertical one drifts with rotation.
      const qOffX = Math.round(-rowDx * 256);
      const offX = qOffX >> 8;
      const fx = qOffX & 255;
      let p = y * widthPx + coreStart;
      let syq = (y - rowDy - angleRad * coreStart) * 256 + 0.5;
      const syqStep = -angleRad * 256;
      for (let x = coreStart; x < coreEnd; x++, p++, syq += syqStep) {
        const qy = syq | 0;
        const i = (qy >> 8) * widthPx + x + offX;
        // `| 0`: pixels as int32, never boxed as call arguments (bilinear.ts).
        const top = lerpPacked(src[i]! | 0, src[i + 1]! | 0, fx);
        out[p] = lerpPacked(
          top,
          lerpPacked(src[i + widthPx]! | 0, src[i + widthPx + 1]! | 0, fx),
          qy & 255,
        );
      }
      this.warpSpan(src, out, y, coreEnd, headEnd);
      this.bodySpan(src, out, y, headEnd, end);
    }
  }

  /** Breathing alone (no head weight) on row y from x = from to x = to: a vertical shift. */
  private bodySpan(src: Uint32Array, out: Uint32Array, y: number, from: number, to: number): void {
    const breathPx = this.motion.breathPx;
    if (from >= to || breathPx < 0.004) return;
    const widthPx = this.widthPx;
    const maxY = this.heightPx - 1;
    const bodyWeight = this.bodyWeight;
    let i = (y - this.y0) * (this.x1 - this.x0) + (from - this.x0);
    let p = y * widthPx + from;
    for (let x = from; x < to; x++, i++, p++) {
      const bw = bodyWeight[i]!;
      if (bw === 0) continue;
      let sy = y + bw * breathPx;
      sy = sy > maxY ? maxY : sy;
      const qy = (sy * 256 + 0.5) | 0;
      const iy = qy >> 8;
      const a = src[iy * widthPx + x]! | 0;
      out[p] = iy < maxY ? lerpPacked(a, src[(iy + 1) * widthPx + x]! | 0, qy & 255) : a;
    }
  }

  /** The general warp of row y from x = from to x = to (exclusive), any weights. */
  private warpSpan(src: Uint32Array, out: Uint32Array, y: number, from: number, to: number): void {
    const rowDx = this.rowShift[0]!;
    const rowDy = this.rowShift[1]!;
    const widthPx = this.widthPx;
    const maxY = this.heightPx - 1;
    const angleRad = this.motion.angleRad;
    const breathPx = this.motion.breathPx;
    const heightPx = this.heightPx;
    const headWeight = this.headWeight;
    const bodyWeight = this.bodyWeight;
    let i = (y - this.y0) * (this.x1 - this.x0) + (from - this.x0);
    let p = y * widthPx + from;
    for (let x = from; x < to; x++, i++, p++) {
      const hw = headWeight[i]!;
      const bw = bodyWeight[i]!;
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
        const a = src[iy * widthPx + x]! | 0;
        out[p] = iy < maxY ? lerpPacked(a, src[(iy + 1) * widthPx + x]! | 0, qy & 255) : a;
        continue;
      }
      out[p] = sampleBilinearQ(
        src,
        widthPx,
        heightPx,
        ((x - ddx) * 256 + 0.5) | 0,
        ((y - ddy) * 256 + 0.5) | 0,
      );
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
      hw * (m.dyPx + m.angleRad * (x - this.pivotX) - m.breathPx * HEAD_BREATH) -
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

/** Field by field (Object.assign would make V8 box the numbers: one allocation each). */
function copyMotion(from: HeadMotion, to: HeadMotion): void {
  to.dxPx = from.dxPx;
  to.dyPx = from.dyPx;
  to.angleRad = from.angleRad;
  to.breathPx = from.breathPx;
}

/** Share of the shoulders' rise the head follows. */
const HEAD_BREATH = 0.5;

function smoothstep(edge0: number, edge1: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}
