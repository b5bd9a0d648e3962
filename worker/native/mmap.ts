/**
 * Typed loader of the facecast_mmap addon (worker/native/mmap.c, built by `npm run setup`):
 * read-only shared mappings of files, so every process rendering one avatar shares one copy
 * of its frame store in RAM (docs/decisions/005-memory-mapped-frame-stores.md).
 */
import { constants } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface MmapAddon {
  mapFile(path: string): ArrayBuffer;
  evictFile(path: string): void;
  residentBytes(path: string): number;
}

/** Where scripts/lib/native-addon.mjs puts the built addon. */
export const ADDON_PATH = fileURLToPath(
  new URL('../../build/native/facecast_mmap.node', import.meta.url),
);

let addon: MmapAddon | undefined;

function load(): MmapAddon {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as MmapAddon;
  } catch (error) {
    throw new Error(
      `the native mmap addon is not built (${ADDON_PATH}): run npm run setup (it compiles worker/native/mmap.c with cc)`,
      { cause: error },
    );
  }
  return addon;
}

const errnoNames = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** The addon throws `code: 'ERRNO_<n>'`; callers test Node's names (ENOENT, EACCES). */
function withErrnoName<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const match = typeof code === 'string' ? /^ERRNO_(\d+)$/.exec(code) : null;
    if (match) (error as NodeJS.ErrnoException).code = errnoNames.get(Number(match[1])) ?? code;
    throw error;
  }
}

/**
 * Maps the whole file read-only and shared (mmap PROT_READ, MAP_SHARED). Unmapped when the
 * ArrayBuffer is garbage collected. NEVER write into it: the process dies with SIGSEGV.
 * Errors carry Node's errno name in `code` and name the path.
 */
export function mapFile(path: string): ArrayBuffer {
  const native = load();
  return withErrnoName(() => native.mapFile(path));
}

/** Asks the kernel to drop the file's cached pages that no process maps (POSIX_FADV_DONTNEED). */
export function evictFile(path: string): void {
  const native = load();
  withErrnoName(() => native.evictFile(path));
}

/** Bytes of the file now held in the page cache (mincore), whoever loaded them. */
export function residentBytes(path: string): number {
  const native = load();
  return withErrnoName(() => native.residentBytes(path));
}
