/** Loading the prepared portrait into a raw RGBA frame. */
import sharp from 'sharp';
import type { RgbaImage } from '../../protocol/appearance/rgba-image';

/**
 * Decodes the prepared frame to raw RGBA. The landmarks are in this frame's pixels, so a
 * size other than the expected one is a broken contract, not something to resize away.
 */
export async function loadRgbaImage(
  filePath: string,
  expected: { widthPx: number; heightPx: number },
): Promise<RgbaImage> {
  const { data, info } = await sharp(filePath)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== expected.widthPx || info.height !== expected.heightPx || info.channels !== 4) {
    throw new Error(
      `avatar frame is ${info.width}x${info.height}x${info.channels}, expected ${expected.widthPx}x${expected.heightPx}x4`,
    );
  }
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    widthPx: info.width,
    heightPx: info.height,
  };
}
