/**
 * Builds worker/native/mmap.c into build/native/facecast_mmap.node: the tiny N-API addon
 * that maps avatar frame stores read-only and shared (docs/decisions/005). It is compiled
 * with the system C compiler against the running Node's headers, so no node-gyp and no
 * header download; it is rebuilt only when the source is newer than the built file.
 */
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { ensureDebianPackages, nativeAddonPackages } from './debian-packages.mjs';
import { detail, step } from './log.mjs';
import { repoRoot } from './repo.mjs';
import { run, which } from './run.mjs';
import { isStale } from './staleness.mjs';

/** Paths of the addon's source and built file, relative to the repository root. */
export const ADDON_SOURCE = 'worker/native/mmap.c';
export const ADDON_OUTPUT = 'build/native/facecast_mmap.node';

/**
 * The first directory holding node_api.h: the running Node's own include directory
 * (`<prefix>/include/node`, what official tarballs and nvm ship), then Debian's
 * `/usr/include/node` (package libnode-dev / nodejs). Null when none has it.
 * @param {{ execPath?: string, exists?: (file: string) => boolean }} [options]
 * @returns {string | null}
 */
export function nodeIncludeDir({ execPath = process.execPath, exists = fs.existsSync } = {}) {
  const candidates = [
    path.resolve(path.dirname(execPath), '..', 'include', 'node'),
    '/usr/include/node',
  ];
  return candidates.find((dir) => exists(path.join(dir, 'node_api.h'))) ?? null;
}

/**
 * True when the built addon is missing or older than its source.
 * @param {string} [root]
 */
export function isAddonStale(root = repoRoot) {
  return isStale(path.join(root, ADDON_OUTPUT), [path.join(root, ADDON_SOURCE)]);
}

/**
 * The compiler command line for the addon.
 * @param {{ root: string, includeDir: string, compiler?: string }} options
 * @returns {[string, string[]]}
 */
export function compileCommand({ root, includeDir, compiler = 'cc' }) {
  return [
    compiler,
    [
      '-O2',
      '-Wall',
      '-shared',
      '-fPIC',
      `-I${includeDir}`,
      '-o',
      path.join(root, ADDON_OUTPUT),
      path.join(root, ADDON_SOURCE),
    ],
  ];
}

/**
 * Compiles the addon when stale. Installs Debian's gcc when no C compiler is on PATH; throws
 * an error naming what is missing (compiler, Node headers) otherwise.
 * @param {string} [root]
 */
export async function ensureNativeAddon(root = repoRoot) {
  if (!isAddonStale(root)) {
    step(`native addon: ${ADDON_OUTPUT} up to date`);
    return;
  }
  if (!which('cc')) await ensureDebianPackages(nativeAddonPackages);
  const compiler = which('cc') ?? which('gcc');
  if (!compiler) {
    throw new Error(
      `no C compiler (cc) to build ${ADDON_OUTPUT}: install gcc (Debian: apt-get install gcc), then run npm run setup`,
    );
  }
  const includeDir = nodeIncludeDir();
  if (!includeDir) {
    throw new Error(
      `Node's C headers (node_api.h) are not in ${path.resolve(path.dirname(process.execPath), '..', 'include', 'node')} or /usr/include/node: install the headers of Node ${process.version} (Debian: libnode-dev, or use an official Node tarball), then run npm run setup`,
    );
  }
  step(`native addon: compiling ${ADDON_SOURCE}`);
  fs.mkdirSync(path.join(root, path.dirname(ADDON_OUTPUT)), { recursive: true });
  const [command, args] = compileCommand({ root, includeDir, compiler });
  const result = await run(command, args, { cwd: root });
  if (result.code !== 0) {
    throw new Error(`compiling ${ADDON_SOURCE} failed (${command} exit ${result.code})`);
  }
  detail(`built ${ADDON_OUTPUT} in ${result.durationMs} ms`);
}
