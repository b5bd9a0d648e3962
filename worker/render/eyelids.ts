/**
 * Closes an eye of a still portrait by drawing the upper eyelid down over it. The lid is
 * coloured per column from the skin just above the eye, so it matches the face's own tone
 * and lighting, with a darker lash line at its edge.
 */
import type { EyeShape } from '../../protocol/appearance/face-landmarks';
import type { RgbaImage } from '../../protocol/appearance/rgba-image';

/** Soft edge width in px. */
const EDGE_PX = 1.5;

export class Eyelid {
  /**
   * Where apply() may write with no shift: columns boxX0 ≤ x < boxX1, rows boxY0 ≤ y < boxY1
   * (px). A shift moves the box by round(shiftXPx) and shiftYPx.
   */
  readonly boxX0: number;
  readonly boxX1: number;
  readonly boxY0: number;
  readonly boxY1: number;
  private readonly x0: number;
  private readonly upperY: Float32Array;
  private readonly lowerY: Float32Array;
  /** Lid colour per column, RGB interleaved. */
  private readonly lidColour: Float32Array;

  constructor(
    private readonly base: RgbaImage,
    eye: EyeShape,
  ) {
    const width = Math.max(4, eye.right.x - eye.left.x);
    this.x0 = Math.max(0, Math.ceil(eye.left.x));
    const x1 = Math.min(base.widthPx - 1, Math.floor(eye.right.x));
    const columns = Math.max(0, x1 - this.x0 + 1);
    this.upperY = new Float32Array(columns);
    this.lowerY = new Float32Array(columns);
    this.lidColour = new Float32Array(columns * 3);
    // Landmarks 159/145 sit mid-lid; model each lid as a curve through both corners and them.
    const cornerAt = (x: number) =>
      eye.left.y + ((eye.right.y - eye.left.y) * (x - eye.left.x)) / width;
    const tU = (eye.upper.x - eye.left.x) / width;
    const tL = (eye.lower.x - eye.left.x) / width;
    const bulgeU =
      (eye.upper.y - cornerAt(eye.upper.x)) / Math.max(0.2, Math.pow(4 * tU * (1 - tU), 0.75));
    const bulgeL =
      (eye.lower.y - cornerAt(eye.lower.x)) / Math.max(0.2, Math.pow(4 * tL * (1 - tL), 0.75));
    // Skin is sampled a quarter of the eye width above the upper lid: below the brow, above lashes.
    const skinOffset = Math.max(3, width * 0.25);
    const stride = base.widthPx * 4;
    for (let i = 0; i < columns; i++) {
      const x = this.x0 + i;
      const t = (x - eye.left.x) / width;
      // Between a parabola and an ellipse: eyelids are fuller near the corners than a parabola.
      const shape = Math.pow(Math.max(0, 4 * t * (1 - t)), 0.75);
      const upper = cornerAt(x) + bulgeU * shape;
      this.upperY[i] = upper;
      // A closed eye's lid rests a little below the lower lid line's top.
      this.lowerY[i] = Math.max(upper, cornerAt(x) + bulgeL * shape);
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const sy = Math.round(upper - skinOffset + dy);
        if (sy < 0 || sy >= base.heightPx) continue;
        const o = sy * stride + x * 4;
        r += base.data[o]!;
        g += base.data[o + 1]!;
        b += base.data[o + 2]!;
        n++;
      }
      // Lids are slightly shaded compared with the brow bone above them.
      const shade = n > 0 ? 0.93 / n : 0;
      this.lidColour[i * 3] = r * shade;
      this.lidColour[i * 3 + 1] = g * shade;
      this.lidColour[i * 3 + 2] = b * shade;
    }
    let top = Infinity;
    let bottom = -Infinity;
    for (let i = 0; i < columns; i++) {
      top = Math.min(top, this.upperY[i]!);
      bottom = Math.max(bottom, this.lowerY[i]!);
    }
    // apply(): rows from top − EDGE_PX to the closed edge (bottom + 0.8) + EDGE_PX.
    this.boxX0 = this.x0;
    this.boxX1 = this.x0 + columns;
    this.boxY0 = columns > 0 ? Math.floor(top - EDGE_PX) : 0;
    this.boxY1 = columns > 0 ? Math.ceil(bottom + 0.8 + EDGE_PX) + 1 : 0;
  }

  /**
   * Draws the lid into `out` (which already holds the frame); `closed` is 0..1. `source` is
   * the frame the lid blends over (`out` itself is fine: each pixel is read before it is
   * written); `shiftXPx`/`shiftYPx` move the eye with the head's idle motion.
   */
  apply(
    out: Uint8Array,
    closed: number,
    source: Uint8Array = this.base.data,
    shiftXPx = 0,
    shiftYPx = 0,
  ): void {
    const c = Math.min(1, Math.max(0, closed));
    if (c < 0.02) return;
    const src = source;
    const stride = this.base.widthPx * 4;
    const dx = Math.round(shiftXPx);
    for (let i = 0; i < this.upperY.length; i++) {
      const x = this.x0 + i + dx;
      if (x < 0 || x >= this.base.widthPx) continue;
      const top = this.upperY[i]! + shiftYPx;
      const bottom = this.lowerY[i]! + shiftYPx;
      // The lid edge travels from the open upper lid line to the lower lid line.
      const edge = top + (bottom - top) * c + c * 0.8;
      if (edge <= top) continue;
      const lr = this.lidColour[i * 3]!;
      const lg = this.lidColour[i * 3 + 1]!;
      const lb = this.lidColour[i * 3 + 2]!;
      const yStart = Math.max(0, Math.floor(top - EDGE_PX));
      const yStop = Math.min(this.base.heightPx - 1, Math.ceil(edge + EDGE_PX));
      for (let y = yStart; y <= yStop; y++) {
        // Fade in above the old lid line, fade out past the moving edge.
        const alpha = Math.min(
          1,
          Math.max(0, (y - (top - EDGE_PX)) / EDGE_PX),
          Math.max(0, (edge + EDGE_PX - y) / EDGE_PX),
        );
        if (alpha <= 0) continue;
        // Lashes darken the lid edge as it comes down.
        const lash = Math.max(0, 1 - Math.abs(y - edge) / 1.5) * c * 0.55;
        const r = lr * (1 - lash);
        const g = lg * (1 - lash);
        const b = lb * (1 - lash);
        const o = y * stride + x * 4;
        out[o] = src[o]! + (r - src[o]!) * alpha;
        out[o + 1] = src[o + 1]! + (g - src[o + 1]!) * alpha;
        out[o + 2] = src[o + 2]! + (b - src[o + 2]!) * alpha;
      }
    }
  }
}
