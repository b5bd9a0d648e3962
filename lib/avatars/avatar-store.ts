/**
 * Where an avatar's frame store lives and how preparation writes it: `<avatarDir>/store/`,
 * store name `frames` (docs/frame-store.md, docs/avatars.md).
 */
import path from 'node:path';
import type { FaceGeometry } from '@/protocol/face-geometry';
import type { FrameLoop, FrameStoreManifest } from '@/protocol/frame-store/frame-store-format';
import { writeFrameStore } from '@/protocol/frame-store/write-frame-store';
import { measureAppearance } from '@/protocol/appearance/avatar-appearance';

export const AVATAR_STORE_NAME = 'frames';
/** Frame rate of every avatar store, frames per second (video is resampled to it). */
export const AVATAR_STORE_FPS = 25;

/** The store directory inside an avatar's directory. */
export function avatarStoreDir(avatarDirectory: string): string {
  return path.join(avatarDirectory, 'store');
}

export interface WriteAvatarStoreOptions {
  dir: string;
  widthPx: number;
  heightPx: number;
  frames: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  faces: FaceGeometry[];
  loop: FrameLoop;
  /** The first frame (RGBA) and its face: appearance (lips, skin, teeth) is measured on it. */
  poster: { rgba: Uint8Array; face: FaceGeometry };
}

/**
 * Writes (or atomically replaces) the avatar's store, with the appearance (lips, skin, teeth,
 * warp mesh) measured on the poster frame; returns its manifest.
 */
export async function writeAvatarStore(
  options: WriteAvatarStoreOptions,
): Promise<FrameStoreManifest> {
  return writeFrameStore({
    dir: options.dir,
    name: AVATAR_STORE_NAME,
    widthPx: options.widthPx,
    heightPx: options.heightPx,
    fps: AVATAR_STORE_FPS,
    frames: options.frames,
    faces: options.faces,
    loop: options.loop,
    appearance: measureAppearance(
      { data: options.poster.rgba, widthPx: options.widthPx, heightPx: options.heightPx },
      options.poster.face,
    ),
  });
}
