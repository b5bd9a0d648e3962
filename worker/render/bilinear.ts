/**
 * Bilinear sampling of RGBA pixels packed as little-endian uint32 (one load per neighbour,
 * two channels per multiply: the R/B and G/A lanes each hold two 8-bit values 16 bits
 * apart, so one 8-bit weight product cannot spill into the next lane).
 */

/**
 * The RGBA pixel at (sx, sy) in `src` (width `widthPx`), interpolated from its four
 * neighbours; coordinates are clamped to the image. Returns the packed uint32.
 */
export function sampleBilinear(
  src: Uint32Array,
  widthPx: number,
  heightPx: number,
  sx: number,
  sy: number,
): number {
  const maxX = widthPx - 1;
  const maxY = heightPx - 1;
  if (sx < 0) sx = 0;
  else if (sx > maxX) sx = maxX;
  if (sy < 0) sy = 0;
  else if (sy > maxY) sy = maxY;
  // Positions in 1/256 px, rounded, so a position a hair below a whole pixel is that pixel.
  const qx = (sx * 256 + 0.5) | 0;
  const qy = (sy * 256 + 0.5) | 0;
  let ix = qx >> 8;
  let iy = qy >> 8;
  let fx = qx & 255;
  let fy = qy & 255;
  if (ix >= maxX) {
    ix = maxX;
    fx = 0;
  }
  if (iy >= maxY) {
    iy = maxY;
    fy = 0;
  }
  const i = iy * widthPx + ix;
  const a = src[i]!;
  const b = ix < maxX ? src[i + 1]! : a;
  const c = iy < maxY ? src[i + widthPx]! : a;
  const d = ix < maxX && iy < maxY ? src[i + widthPx + 1]! : c;
  return lerpPacked(lerpPacked(a, b, fx), lerpPacked(c, d, fx), fy);
}

/** Per-channel a + (b - a) · t / 256 of two packed RGBA pixels, t in 0..256. */
export function lerpPacked(a: number, b: number, t: number): number {
  const u = 256 - t;
  // + 0x80 per lane rounds to nearest.
  const rb = (((a & 0x00ff00ff) * u + (b & 0x00ff00ff) * t + 0x00800080) >>> 8) & 0x00ff00ff;
  const ga =
    ((((a >>> 8) & 0x00ff00ff) * u + ((b >>> 8) & 0x00ff00ff) * t + 0x00800080) >>> 8) & 0x00ff00ff;
  return (rb | (ga << 8)) >>> 0;
}

/** A uint32 view of an RGBA buffer (copied once if its offset is not 4-byte aligned). */
export function pixelsOf(rgba: Uint8Array): Uint32Array {
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : rgba.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
}
