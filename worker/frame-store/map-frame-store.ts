/**
 * Opens a frame store through a read-only shared mapping of its data file (the native addon
 * in worker/native/): frames are views into the mapped file, so every process rendering the
 * same avatar shares one copy of its frames in RAM, and opening costs no read at all; pages
 * are faulted in from the page cache as frames are first drawn. docs/frame-store.md.
 *
 * Writing into a mapped frame kills the process (SIGSEGV): the views are read-only for real.
 */
import path from 'node:path';
import { mapFile } from '../native/mmap';
import { FrameStoreError, isErrno } from '../../protocol/frame-store/frame-store-error';
import { frameOffsetBytes, manifestFileName } from '../../protocol/frame-store/frame-store-format';
import {
  checkHeader,
  readManifest,
  type FrameStore,
  type FrameStoreVerify,
  verifyChecksum,
} from '../../protocol/frame-store/read-frame-store';

export interface MapFrameStoreOptions {
  /**
   * 'header' (default): magic, version, header fields against the manifest, file length;
   * a host verifies the sha256 once per store (store-registry.ts) before sessions map it.
   * 'full' also hashes every frame here (~0.5 s per 250 MB; it reads the whole file).
   */
  verify?: FrameStoreVerify;
}

export interface MappedFrameStore extends FrameStore {
  /** Absolute path of the mapped data file. */
  readonly dataPath: string;
}

/**
 * Maps the store `name` in `dir`. Throws FrameStoreError ('missing', 'corrupt', 'version',
 * 'mismatch') like openFrameStore; I/O errors a rebuild would not fix propagate.
 */
export async function mapFrameStore(
  dir: string,
  name: string,
  options: MapFrameStoreOptions = {},
): Promise<MappedFrameStore> {
  const manifest = await readManifest(path.join(dir, manifestFileName(name)));
  const dataPath = path.resolve(dir, manifest.dataFile);
  let mapped: ArrayBuffer;
  try {
    mapped = mapFile(dataPath);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new FrameStoreError('corrupt', `frame store data file ${dataPath} is missing`, {
        cause: error,
      });
    }
    if (error instanceof Error && /empty file/.test(error.message)) {
      throw new FrameStoreError('corrupt', `frame store data file ${dataPath} is empty`);
    }
    throw error;
  }
  if (mapped.byteLength !== manifest.dataBytes) {
    const size = mapped.byteLength;
    throw new FrameStoreError(
      'corrupt',
      `frame store data file ${dataPath} is ${size} bytes, manifest says ${manifest.dataBytes}${size < manifest.dataBytes ? ' (truncated)' : ''}`,
    );
  }
  const bytes = new Uint8Array(mapped);
  checkHeader(bytes, manifest);
  if ((options.verify ?? 'header') === 'full') verifyChecksum(bytes, manifest, name);

  // Views are made once: frame() hands out the same object every call, allocating nothing.
  let views: Uint8Array[] | undefined = Array.from(
    { length: manifest.frameCount },
    (_, i) => new Uint8Array(mapped, frameOffsetBytes(i, manifest.frameBytes), manifest.frameBytes),
  );
  return {
    manifest,
    dataPath,
    frame(index) {
      if (views === undefined) throw new Error(`frame store ${name} is closed`);
      const view = Number.isInteger(index) ? views[index] : undefined;
      if (!view) throw new RangeError(`frame ${index} out of range 0..${manifest.frameCount - 1}`);
      return view;
    },
    close() {
      // The mapping is unmapped when the last view of it is garbage collected.
      views = undefined;
    },
  };
}
