/**
 * Bilinear sampling of RGBA pixels packed as little-endian uint32 (one load per neighbour,
 * two channels per multiply: the R/B and G/A lanes each hold two 8-bit values 16 bits
 * apart, so one 8-bit weight product cannot spill into the next lane).
 */

/**
 * The RGBA pixel at (qx, qy) in `src` (width `widthPx`), interpolated from its four
 * neighbours; the position is in 1/256 px (`(x * 256 + 0.5) | 0`: rounded, so a position a
 * hair below a whole pixel is that pixel) and clamped to the image. Returns the packed pixel
 * as an int32 (store it in a Uint32Array as is). Int32 arguments and result are never boxed
 * when a call is not inlined (a double argument, or a uint32 pixel ≥ 2³¹, would be allocated
 * as a heap number per pixel).
 */
export function sampleBilinearQ(
  src: Uint32Array,
  widthPx: number,
  heightPx: number,
  qx: number,
  qy: number,
): number {
  const maxX = widthPx - 1;
  const maxY = heightPx - 1;
  if (qx < 0) qx = 0;
  else if (qx > maxX << 8) qx = maxX << 8;
  if (qy < 0) qy = 0;
  else if (qy > maxY << 8) qy = maxY << 8;
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
  const a = src[i]! | 0;
  const b = ix < maxX ? src[i + 1]! | 0 : a;
  const c = iy < maxY ? src[i + widthPx]! | 0 : a;
  const d = ix < maxX && iy < maxY ? src[i + widthPx + 1]! | 0 : c;
  return lerpPacked(lerpPacked(a, b, fx), lerpPacked(c, d, fx), fy);
}

/**
 * Packed pixels a and b (int32 or uint32 bit patterns) mixed with weight t/256 towards b,
 * returned as an int32 bit pattern (callers pass pixels read with `| 0`).
 */
export function lerpPacked(a: number, b: number, t: number): number {
  const u = 256 - t;
  // + 0x80 per lane rounds to nearest.
  const rb = (((a & 0x00ff00ff) * u + (b & 0x00ff00ff) * t + 0x00800080) >>> 8) & 0x00ff00ff;
  const ga =
    ((((a >>> 8) & 0x00ff00ff) * u + ((b >>> 8) & 0x00ff00ff) * t + 0x00800080) >>> 8) & 0x00ff00ff;
  return rb | (ga << 8);
}

export function pixelsOf(rgba: Uint8Array): Uint32Array {
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : rgba.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
}
