/**
 * The inside of an opened mouth, synthesised per pixel: a dark, warm cavity (deepest in the
 * middle), upper teeth hanging from the upper lip (the avatar's own teeth sample when it has
 * one, else a subtle synthesised band) and a hint of tongue at the bottom. Colours are
 * derived from the avatar's lip and skin colour so the inside matches the photo's lighting.
 */
import type { AvatarAppearance } from '../../protocol/appearance/avatar-appearance';

export class InnerMouth {
  /**
   * The colour of the last `shadeAt()` call, RGB 0..255. A typed array, not three number
   * fields: a double stored in a field can cost a heap number per store, per pixel.
   */
  readonly rgb = new Float64Array(3);
  private readonly edge: Float64Array;
  private readonly deep: Float64Array;
  private readonly teeth: Float64Array;
  private readonly tongue: Float64Array;
  private readonly teethPatch: Uint8Array | undefined;
  private readonly patchW: number;
  private readonly patchH: number;
  private readonly mouthWidthPx: number;

  constructor(appearance: AvatarAppearance) {
    const [lr, lg, lb] = appearance.lipRgb;
    const [sr, sg, sb] = appearance.skinRgb;
    const skinLuma = 0.299 * sr + 0.587 * sg + 0.114 * sb;
    // Teeth never outshine the photo: scale their white with its skin brightness.
    const light = Math.min(1.05, Math.max(0.55, skinLuma / 165));
    this.edge = Float64Array.of(lr * 0.42, lg * 0.3, lb * 0.32);
    this.deep = Float64Array.of(30 * light, 9 * light, 11 * light);
    // Half neutral ivory, half the skin's own tint: teeth pick up the photo's colour cast.
    this.teeth = Float64Array.of(
      Math.min(235, 0.5 * 222 * light + 0.5 * sr * 1.02),
      Math.min(230, 0.5 * 214 * light + 0.5 * sg * 1.1),
      Math.min(225, 0.5 * 198 * light + 0.5 * sb * 1.3),
    );
    this.tongue = Float64Array.of(lr * 0.78, lg * 0.5, lb * 0.55);
    this.mouthWidthPx = appearance.mouthWidthPx;
    const sample = appearance.teeth;
    this.teethPatch = sample ? new Uint8Array(Buffer.from(sample.rgbaBase64, 'base64')) : undefined;
    this.patchW = sample?.widthPx ?? 0;
    this.patchH = sample?.heightPx ?? 0;
  }

  /**
   * Where shadeAt() shades: [u, s, gapPx], the point `u` across the mouth (0..1, corner to
   * corner) and `s` down the opening (0 = upper lip, 1 = lower lip) of an opening `gapPx`
   * high. The hot loop sets these instead of passing arguments: doubles passed to a call that
   * is not inlined are boxed (allocated).
   */
  readonly at = new Float64Array(3);

  /** Shades the point in `at`; result in `rgb`. */
  shadeAt(): void {
    const u = this.at[0]!;
    const s = this.at[1]!;
    const gapPx = this.at[2]!;
    const centred = 1 - Math.abs(u - 0.5) * 2;
    const depth = Math.sin(Math.PI * (s < 0 ? 0 : s > 1 ? 1 : s)) * (0.35 + 0.65 * centred);
    let r = this.edge[0]! + (this.deep[0]! - this.edge[0]!) * depth;
    let g = this.edge[1]! + (this.deep[1]! - this.edge[1]!) * depth;
    let b = this.edge[2]! + (this.deep[2]! - this.edge[2]!) * depth;

    // Upper teeth: a band hanging from the upper lip, fading towards the corners.
    const fromTop = s * gapPx;
    const teethPx = Math.min(gapPx * 0.5, this.mouthWidthPx * 0.11);
    const across = Math.abs(u - 0.5) / 0.4;
    if (teethPx > 0.5 && fromTop < teethPx && across < 1) {
      const t = fromTop / teethPx;
      let tr: number;
      let tg: number;
      let tb: number;
      if (this.teethPatch) {
        const px = Math.min(this.patchW - 1, Math.max(0, ((u - 0.1) / 0.8) * this.patchW)) | 0;
        const py = Math.min(this.patchH - 1, t * this.patchH) | 0;
        const o = (py * this.patchW + px) * 4;
        tr = this.teethPatch[o]!;
        tg = this.teethPatch[o + 1]!;
        tb = this.teethPatch[o + 2]!;
      } else {
        // Faint gaps between teeth about an eighth of the mouth width apart.
        const edge = 1 - Math.abs(Math.sin(Math.PI * (u - 0.5) * 8));
        const e2 = edge * edge;
        const gap = e2 * e2 * e2 * e2 * 0.12;
        // Shadowed right under the upper lip, a little darker again towards the biting edge.
        const underLip = t < 0.3 ? 0.72 + 0.28 * (t / 0.3) : 1;
        const shade = (1 - gap) * (1 - 0.2 * t) * underLip * 0.92;
        tr = this.teeth[0]! * shade;
        tg = this.teeth[1]! * shade;
        tb = this.teeth[2]! * shade;
      }
      // Soft lower edge and darker, receding teeth at the sides.
      const k = (1 - across * across) * Math.min(1, (1 - t) * 3) * 0.85;
      r += (tr - r) * k;
      g += (tg - g) * k;
      b += (tb - b) * k;
    }

    // Tongue: the lower part of a well-opened mouth, centred.
    const open = Math.min(
      1,
      Math.max(0, (gapPx - this.mouthWidthPx * 0.08) / (this.mouthWidthPx * 0.1)),
    );
    if (open > 0) {
      const fromBottom = (1 - s) * gapPx;
      const tonguePx = gapPx * 0.35;
      if (fromBottom < tonguePx) {
        const k = open * (1 - fromBottom / tonguePx) * Math.max(0, 1 - across * 0.9) * 0.8;
        r += (this.tongue[0]! - r) * k;
        g += (this.tongue[1]! - g) * k;
        b += (this.tongue[2]! - b) * k;
      }
    }
    this.rgb[0] = r;
    this.rgb[1] = g;
    this.rgb[2] = b;
  }
}
