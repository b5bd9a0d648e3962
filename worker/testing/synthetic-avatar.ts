/**
 * The drawn stand-in face for tests (worker/host/calibration-avatar.ts draws it), and writing
 * it as a prepared avatar's PNG.
 */
import sharp from 'sharp';
import type { PreparedAvatar } from '../../protocol/session-request';
import { syntheticAvatar, syntheticImage } from '../host/calibration-avatar';

export {
  SYNTHETIC_FACE,
  SYNTHETIC_SIZE_PX,
  syntheticAvatar,
  syntheticImage,
  syntheticLandmarks,
} from '../host/calibration-avatar';

/** Writes the synthetic portrait as a PNG and returns a PreparedAvatar pointing at it. */
export async function writeSyntheticAvatar(
  framePath: string,
  id = 'synthetic',
): Promise<PreparedAvatar> {
  const image = syntheticImage();
  await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.widthPx, height: image.heightPx, channels: 4 },
  })
    .png()
    .toFile(framePath);
  return syntheticAvatar(framePath, id);
}
