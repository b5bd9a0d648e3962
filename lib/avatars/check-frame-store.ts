/**
 * A cheap health check of an avatar's frame store, for every app start and session start:
 * the manifest parses, the data file's header matches it and the file has the right length.
 * It reads one page of the data file, never the frames (the full sha256 check is the
 * worker's, when it opens the store).
 *
 * The reads are synchronous on purpose: a few kilobytes from the page cache take
 * microseconds, while each asynchronous call waits for a turn of the event loop, and with the
 * app busy (200 API clients, `npm run bench -- api`) its five calls kept a session start
 * waiting 8-11 s before anything else happened.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Avatar } from '@prisma/client';
import { FrameStoreError, isErrno } from '@/protocol/frame-store/frame-store-error';
import {
  FRAME_STORE_HEADER_BYTES,
  frameStoreManifestSchema,
  manifestFileName,
} from '@/protocol/frame-store/frame-store-format';
import { decodeHeader } from '@/protocol/frame-store/frame-store-header';
import { AVATAR_STORE_NAME } from './avatar-store';

export type FrameStoreCheck =
  | { ok: true; frameCount: number }
  /** `missing`: never built (or an avatar from before stores); else damaged. */
  | { ok: false; code: FrameStoreError['code']; message: string };

/**
 * Checks the store of a ready avatar (`storeDir` relative to dataDir). Never throws for a
 * bad store: returns what is wrong. I/O errors a rebuild would not fix (EACCES, EIO) throw.
 */
export function checkFrameStore(
  dataDir: string,
  avatar: Pick<Avatar, 'storeDir' | 'frameCount' | 'widthPx' | 'heightPx'>,
): FrameStoreCheck {
  if (!avatar.storeDir) return { ok: false, code: 'missing', message: 'the avatar has no store' };
  const dir = path.resolve(dataDir, avatar.storeDir);
  try {
    const manifestPath = path.join(dir, manifestFileName(AVATAR_STORE_NAME));
    let text: string;
    try {
      text = readFileSync(manifestPath, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new FrameStoreError('missing', 'no manifest');
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new FrameStoreError('corrupt', 'the manifest is not JSON');
    }
    const parsed = frameStoreManifestSchema.safeParse(json);
    if (!parsed.success) {
      const version = (json as { version?: unknown } | null)?.version;
      throw typeof version === 'number' && version !== 1
        ? new FrameStoreError('version', `format version ${version}`)
        : new FrameStoreError('corrupt', `invalid manifest: ${parsed.error.issues[0]?.message}`);
    }
    const manifest = parsed.data;
    let file: number;
    try {
      file = openSync(path.join(dir, manifest.dataFile), 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new FrameStoreError('corrupt', 'data file missing');
      throw error;
    }
    try {
      const { size } = fstatSync(file);
      if (size !== manifest.dataBytes) {
        throw new FrameStoreError(
          'corrupt',
          `data file is ${size} bytes, expected ${manifest.dataBytes}`,
        );
      }
      const head = new Uint8Array(FRAME_STORE_HEADER_BYTES);
      readSync(file, head, 0, head.length, 0);
      const header = decodeHeader(head);
      for (const field of [
        'widthPx',
        'heightPx',
        'pixelFormat',
        'frameCount',
        'frameBytes',
      ] as const) {
        if (header[field] !== manifest[field]) {
          throw new FrameStoreError(
            'mismatch',
            `header ${field} ${header[field]} != ${manifest[field]}`,
          );
        }
      }
    } finally {
      closeSync(file);
    }
    // The row must describe this store: a store of another size means an interrupted rebuild.
    if (
      (avatar.frameCount !== null && avatar.frameCount !== manifest.frameCount) ||
      (avatar.widthPx !== null && avatar.widthPx !== manifest.widthPx) ||
      (avatar.heightPx !== null && avatar.heightPx !== manifest.heightPx)
    ) {
      throw new FrameStoreError('mismatch', 'the store differs from the avatar record');
    }
    return { ok: true, frameCount: manifest.frameCount };
  } catch (error) {
    if (error instanceof FrameStoreError) {
      return { ok: false, code: error.code, message: error.message };
    }
    throw error;
  }
}
