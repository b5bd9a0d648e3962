/**
 * Writes a frame store: frames stream to a temporary data file while their sha256 is
 * computed, then data and manifest are fsynced and renamed into place, manifest last. A
 * crash at any point leaves either the previous complete store, no manifest ('missing' to a
 * reader), or the new complete store — never a manifest beside the wrong data.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { FaceGeometry } from '../face-geometry';
import type { AvatarAppearance } from '../appearance/avatar-appearance';
import { isErrno } from './frame-store-error';
import { encodeHeader } from './frame-store-header';
import {
  FRAME_STORE_FORMAT,
  FRAME_STORE_HEADER_BYTES,
  FRAME_STORE_VERSION,
  PIXEL_FORMATS,
  dataFileBytes,
  dataFileName,
  frameOffsetBytes,
  frameStoreManifestSchema,
  frameStoreNameSchema,
  frameStrideBytes,
  manifestFileName,
  type FrameLoop,
  type FrameStoreManifest,
} from './frame-store-format';

export interface WriteFrameStoreOptions {
  /** Directory holding the store; created when absent. */
  dir: string;
  /** Store name: the files are `<name>.frames` and `<name>.json`. */
  name: string;
  widthPx: number;
  heightPx: number;
  /** Playback rate, in frames per second. */
  fps: number;
  /** RGBA frames, widthPx × heightPx × 4 bytes each, in playback order. */
  frames: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Face geometry per frame, or one entry for all frames. */
  faces: FaceGeometry[];
  loop: FrameLoop;
  /** Measured on frame 0 (measureAppearance); stored in the manifest for the renderer. */
  appearance?: AvatarAppearance;
  /** Clock for `createdAt`; tests pass a fixed one. */
  now?: () => Date;
}

/**
 * Writes (or replaces) the store `name` in `dir` and returns its manifest. Throws a
 * RangeError for frames of the wrong size, no frames, or a faces count that is neither 1
 * nor the frame count; nothing is left behind then and an existing store stays intact.
 */
export async function writeFrameStore(
  options: WriteFrameStoreOptions,
): Promise<FrameStoreManifest> {
  const { dir, name, widthPx, heightPx, fps, faces, loop } = options;
  frameStoreNameSchema.parse(name);
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new RangeError(`frame size must be positive whole pixels, got ${widthPx}x${heightPx}`);
  }
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be positive, got ${fps}`);

  await mkdir(dir, { recursive: true });
  const dataPath = path.join(dir, dataFileName(name));
  const manifestPath = path.join(dir, manifestFileName(name));
  // Dot-prefixed and unique, so concurrent writers never share a temp file and a leftover
  // from a crash is recognisable (safe to delete when no writer is running).
  const tempId = `${process.pid}-${randomUUID()}`;
  const dataTemp = path.join(dir, `.${dataFileName(name)}.${tempId}.tmp`);
  const manifestTemp = path.join(dir, `.${manifestFileName(name)}.${tempId}.tmp`);

  try {
    const pixelFormat = 'rgba' as const;
    const frameBytes = PIXEL_FORMATS[pixelFormat].frameBytes(widthPx, heightPx);
    const { frameCount, sha256 } = await writeDataFile(dataTemp, options.frames, frameBytes);
    if (frameCount === 0) throw new RangeError('a frame store needs at least one frame');
    if (faces.length !== 1 && faces.length !== frameCount) {
      throw new RangeError(`faces has ${faces.length} entries for ${frameCount} frames`);
    }
    // The header is written last: only then is the frame count known.
    await withFile(dataTemp, 'r+', async (file) => {
      const header = encodeHeader({ widthPx, heightPx, pixelFormat, frameCount, frameBytes });
      await file.write(header, 0, header.byteLength, 0);
      await file.sync();
    });

    const manifest = frameStoreManifestSchema.parse({
      format: FRAME_STORE_FORMAT,
      version: FRAME_STORE_VERSION,
      widthPx,
      heightPx,
      pixelFormat,
      frameCount,
      fps,
      frameBytes,
      dataFile: dataFileName(name),
      dataBytes: dataFileBytes(frameCount, frameBytes),
      headerBytes: FRAME_STORE_HEADER_BYTES,
      checksum: { algorithm: 'sha256', value: sha256 },
      loop,
      faces,
      ...(options.appearance ? { appearance: options.appearance } : {}),
      createdAt: (options.now?.() ?? new Date()).toISOString(),
    } satisfies FrameStoreManifest);
    await withFile(manifestTemp, 'wx', async (file) => {
      await file.writeFile(`${JSON.stringify(manifest)}\n`);
      await file.sync();
    });

    // Commit. The old manifest goes first, so a crash after the data rename cannot pair it
    // with the new data. Rename (not overwrite) keeps the old data's inode alive for any
    // process still reading or mapping it.
    await unlink(manifestPath).catch(ignoreMissing);
    await syncDir(dir);
    await rename(dataTemp, dataPath);
    await syncDir(dir);
    await rename(manifestTemp, manifestPath);
    await syncDir(dir);
    return manifest;
  } catch (error) {
    await unlink(dataTemp).catch(ignoreMissing);
    await unlink(manifestTemp).catch(ignoreMissing);
    throw error;
  }
}

/** True for a temp file writeFrameStore() writes before renaming it into place. */
export function isFrameStoreTempFile(fileName: string): boolean {
  return fileName.startsWith('.') && fileName.endsWith('.tmp');
}

/**
 * Deletes the temp files writers killed mid-write left in `dir` (a store's frames can take
 * hundreds of MB). Only while no writer runs there. Returns how many were deleted.
 */
export async function removeFrameStoreTempFiles(dir: string): Promise<number> {
  const names = await readdir(dir).catch((error: unknown) => {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  });
  const temps = names.filter(isFrameStoreTempFile);
  for (const name of temps) await unlink(path.join(dir, name)).catch(ignoreMissing);
  return temps.length;
}

/** Streams frames after a zeroed header slot; returns the count and the sha256 of the frames. */
async function writeDataFile(
  filePath: string,
  frames: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  frameBytes: number,
): Promise<{ frameCount: number; sha256: string }> {
  return withFile(filePath, 'wx', async (file) => {
    await file.write(new Uint8Array(FRAME_STORE_HEADER_BYTES), 0, FRAME_STORE_HEADER_BYTES, 0);
    const padding = new Uint8Array(frameStrideBytes(frameBytes) - frameBytes);
    const hash = createHash('sha256');
    let frameCount = 0;
    for await (const frame of frames) {
      if (frame.byteLength !== frameBytes) {
        throw new RangeError(
          `frame ${frameCount} is ${frame.byteLength} bytes, expected ${frameBytes}`,
        );
      }
      hash.update(frame);
      hash.update(padding);
      const { bytesWritten } = await file.writev(
        [frame, padding],
        frameOffsetBytes(frameCount, frameBytes),
      );
      if (bytesWritten !== frame.byteLength + padding.byteLength) {
        throw new Error(`short write of frame ${frameCount}: ${bytesWritten} bytes`);
      }
      frameCount++;
    }
    await file.sync();
    return { frameCount, sha256: hash.digest('hex') };
  });
}

async function withFile<T>(
  filePath: string,
  flags: string,
  use: (file: FileHandle) => Promise<T>,
): Promise<T> {
  const file = await open(filePath, flags);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

/** Makes renames and unlinks in `dir` durable (a no-op where directories cannot be synced). */
async function syncDir(dir: string): Promise<void> {
  await withFile(dir, 'r', (file) => file.sync()).catch((error: unknown) => {
    if (!isErrno(error, 'EISDIR') && !isErrno(error, 'EPERM') && !isErrno(error, 'EINVAL')) {
      throw error;
    }
  });
}

function ignoreMissing(error: unknown): void {
  if (!isErrno(error, 'ENOENT')) throw error;
}
