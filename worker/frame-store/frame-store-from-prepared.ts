/**
 * Bridge from today's prepared avatar (one PNG plus face geometry) to a one-frame store,
 * so render code can move to frame stores before video avatars exist.
 */
import type { PreparedAvatar } from '../../protocol/session-request';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { loadRgbaImage } from '../render/rgba-image';
import type { FrameStoreManifest } from '../../protocol/frame-store/frame-store-format';
import { writeFrameStore } from '../../protocol/frame-store/write-frame-store';

export interface FrameStoreFromPreparedOptions {
  avatar: PreparedAvatar;
  /** Directory to write the store into. */
  dir: string;
  /** Store name; defaults to the avatar id. */
  name?: string;
  /** Playback rate recorded in the manifest, in frames per second (a still has no own rate). */
  fps?: number;
}

/**
 * Decodes the avatar's PNG to RGBA and writes it as a one-frame store with its face and
 * measured appearance.
 */
export async function frameStoreFromPrepared(
  options: FrameStoreFromPreparedOptions,
): Promise<FrameStoreManifest> {
  const { avatar } = options;
  const image = await loadRgbaImage(avatar.framePath, avatar);
  return writeFrameStore({
    dir: options.dir,
    name: options.name ?? avatar.id,
    widthPx: image.widthPx,
    heightPx: image.heightPx,
    fps: options.fps ?? 25,
    frames: [image.data],
    faces: [avatar.face],
    appearance: measureAppearance(image, avatar.face),
    loop: 'forward',
  });
}
