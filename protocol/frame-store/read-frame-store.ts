/**
 * Opens a frame store by reading the whole data file into one private ArrayBuffer; every
 * frame is a view into it. For tools and tests; sessions map the file instead
 * (map-frame-store.ts: one shared copy per host). A store that fails verification is never
 * served.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FrameStoreError, isErrno } from './frame-store-error';
import {
  FRAME_STORE_FORMAT,
  FRAME_STORE_HEADER_BYTES,
  FRAME_STORE_VERSION,
  frameOffsetBytes,
  frameStoreManifestSchema,
  manifestFileName,
  type FrameStoreManifest,
} from './frame-store-format';
import { decodeHeader } from './frame-store-header';

export type FrameStoreVerify = 'full' | 'header';

export interface OpenFrameStoreOptions {
  /**
   * 'full' (default) also recomputes the sha256 of all frames (~1 s per GB); 'header'
   * checks magic, version, sizes against the manifest and the file length only.
   */
  verify?: FrameStoreVerify;
}

export interface FrameStore {
  readonly manifest: FrameStoreManifest;
  /**
   * Frame `index` (0 ≤ index < frameCount) as a read-only-by-contract view into the shared
   * backing store: no copy, so callers must not write to it.
   */
  frame(index: number): Uint8Array;
  /** Releases the backing store; frame() throws afterwards. Idempotent. */
  close(): void;
}

/**
 * Opens the store `name` in `dir`. Throws FrameStoreError ('missing', 'corrupt',
 * 'version', 'mismatch'); I/O errors that rebuilding would not fix (EACCES, EIO) propagate.
 */
export async function openFrameStore(
  dir: string,
  name: string,
  options: OpenFrameStoreOptions = {},
): Promise<FrameStore> {
  const manifest = await readManifest(path.join(dir, manifestFileName(name)));
  const bytes = await readDataFile(path.join(dir, manifest.dataFile), manifest.dataBytes);
  checkHeader(bytes, manifest);
  if ((options.verify ?? 'full') === 'full') verifyChecksum(bytes, manifest, name);

  let backing: Uint8Array | undefined = bytes;
  return {
    manifest,
    frame(index) {
      if (backing === undefined) throw new Error(`frame store ${name} is closed`);
      if (!Number.isInteger(index) || index < 0 || index >= manifest.frameCount) {
        throw new RangeError(`frame ${index} out of range 0..${manifest.frameCount - 1}`);
      }
      const offset = backing.byteOffset + frameOffsetBytes(index, manifest.frameBytes);
      return new Uint8Array(backing.buffer, offset, manifest.frameBytes);
    },
    close() {
      backing = undefined;
    },
  };
}

/** Reads and validates a manifest; FrameStoreError 'missing', 'corrupt' or 'version'. */
export async function readManifest(manifestPath: string): Promise<FrameStoreManifest> {
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new FrameStoreError('missing', `no frame store manifest at ${manifestPath}`, {
        cause: error,
      });
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FrameStoreError('corrupt', `frame store manifest ${manifestPath} is not JSON`, {
      cause: error,
    });
  }
  // A newer writer's manifest may not match this schema at all: name its version instead.
  if (typeof json === 'object' && json !== null && 'version' in json) {
    const { format, version } = json as { format?: unknown; version?: unknown };
    if (format === FRAME_STORE_FORMAT && version !== FRAME_STORE_VERSION) {
      throw new FrameStoreError(
        'version',
        `frame store manifest ${manifestPath} is format version ${String(version)}, this reader reads ${FRAME_STORE_VERSION}`,
      );
    }
  }
  const parsed = frameStoreManifestSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new FrameStoreError(
      'corrupt',
      `frame store manifest ${manifestPath} is invalid: ${detail}`,
    );
  }
  return parsed.data;
}

/** Reads the whole data file into one fresh ArrayBuffer (byteOffset 0), checking its length. */
async function readDataFile(dataPath: string, expectedBytes: number): Promise<Uint8Array> {
  let file;
  try {
    file = await open(dataPath, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      // The manifest is renamed into place last, so this store was damaged after it was built.
      throw new FrameStoreError('corrupt', `frame store data file ${dataPath} is missing`, {
        cause: error,
      });
    }
    throw error;
  }
  try {
    const { size } = await file.stat();
    if (size !== expectedBytes) {
      throw new FrameStoreError(
        'corrupt',
        `frame store data file ${dataPath} is ${size} bytes, manifest says ${expectedBytes}${size < expectedBytes ? ' (truncated)' : ''}`,
      );
    }
    const bytes = new Uint8Array(new ArrayBuffer(expectedBytes));
    let done = 0;
    while (done < expectedBytes) {
      const { bytesRead } = await file.read(bytes, done, expectedBytes - done, done);
      if (bytesRead === 0) {
        throw new FrameStoreError('corrupt', `frame store data file ${dataPath} shrank while read`);
      }
      done += bytesRead;
    }
    return bytes;
  } finally {
    await file.close();
  }
}

/** The header must be valid and describe exactly the frames the manifest describes. */
export function checkHeader(bytes: Uint8Array, manifest: FrameStoreManifest): void {
  const header = decodeHeader(bytes);
  const differences = (['widthPx', 'heightPx', 'pixelFormat', 'frameCount', 'frameBytes'] as const)
    .filter((field) => header[field] !== manifest[field])
    .map((field) => `${field} ${header[field]} != ${manifest[field]}`);
  if (differences.length > 0) {
    throw new FrameStoreError(
      'mismatch',
      `frame store ${manifest.dataFile} header differs from its manifest: ${differences.join(', ')}`,
    );
  }
}

/** Throws 'corrupt' unless the frames (all bytes after the header) hash to the manifest's sha256. */
export function verifyChecksum(
  bytes: Uint8Array,
  manifest: FrameStoreManifest,
  name: string,
): void {
  const actual = createHash('sha256')
    .update(bytes.subarray(FRAME_STORE_HEADER_BYTES))
    .digest('hex');
  if (actual !== manifest.checksum.value) {
    throw new FrameStoreError(
      'corrupt',
      `frame store ${name}: sha256 of frames is ${actual}, manifest says ${manifest.checksum.value}`,
    );
  }
}
