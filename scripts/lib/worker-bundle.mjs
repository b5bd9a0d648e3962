/**
 * Bundles the session process entry and the worker threads it starts into
 * build/worker/*.mjs with esbuild (docs/decisions/008-bundled-session-process.md), so session
 * processes and their threads run plain JavaScript instead of loading tsx (~28 MB PSS per
 * process, plus a transform hook in every thread). Only our own TypeScript is bundled: every
 * npm package stays an import resolved from node_modules at run time, which keeps native
 * packages (@livekit/rtc-node, onnxruntime-node, sharp) and the mmap addon loading as
 * before. Rebuilt when any worker/ or protocol/ file is newer than the bundle; a manifest lists
 * the sources so the host can tell a stale bundle from a fresh one (worker/built-entry.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { detail, step } from './log.mjs';
import { repoRoot } from './repo.mjs';
import { isStale } from './staleness.mjs';

/** Output directory, relative to the repository root. Two levels deep, like worker/<dir>/. */
export const BUNDLE_DIR = 'build/worker';
/** Lists the bundled source files (relative paths) and when they were bundled. */
export const BUNDLE_MANIFEST = 'build/worker/manifest.json';

/** Bundle name (build/worker/<name>.mjs) → entry source. */
export const BUNDLE_ENTRIES = {
  'session-main': 'worker/session/main.ts',
  'render-thread': 'worker/render/render-thread.ts',
  'tts-thread': 'worker/tts/tts-thread.ts',
  'lip-sync-thread': 'worker/lipsync/lip-sync-thread.ts',
};

/**
 * True when the bundle is missing or older than any file under worker/ or protocol/ (the
 * contract it shares with the app), any other source it bundled, or the lock file (a changed
 * dependency may change what the bundle imports).
 * @param {string} [root]
 */
export function isWorkerBundleStale(root = repoRoot) {
  const manifestPath = path.join(root, BUNDLE_MANIFEST);
  /** @type {string[]} */
  let sources = [];
  try {
    sources = JSON.parse(fs.readFileSync(manifestPath, 'utf8')).sources ?? [];
  } catch {
    return true;
  }
  return isStale(manifestPath, [
    path.join(root, 'worker'),
    path.join(root, 'protocol'),
    path.join(root, 'package-lock.json'),
    ...sources.map((source) => path.join(root, source)),
  ]);
}

/**
 * The esbuild options for the bundle (exported for tests).
 * @param {string} root
 */
export function bundleOptions(root) {
  return {
    absWorkingDir: root,
    entryPoints: Object.fromEntries(
      Object.entries(BUNDLE_ENTRIES).map(([name, source]) => [name, path.join(root, source)]),
    ),
    outdir: path.join(root, BUNDLE_DIR),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Every package import stays external: native addons and wasm files resolve from
    // node_modules as they do from source.
    packages: /** @type {const} */ ('external'),
    platform: /** @type {const} */ ('node'),
    format: /** @type {const} */ ('esm'),
    target: 'node20',
    // Code shared by entries goes in chunks beside them (same directory depth, so relative
    // URLs such as mmap.ts's ../../build/native stay right), and a dynamic import() stays
    // lazy: sessions without a lip-sync model must not load sharp (~16 MB PSS).
    splitting: true,
    sourcemap: /** @type {const} */ ('linked'),
    metafile: true,
    logLevel: /** @type {const} */ ('warning'),
  };
}

/**
 * Bundles the worker entries when stale. esbuild is imported here, not at the top, because
 * setup runs this module before `npm ci` may have installed it.
 * @param {string} [root]
 */
export async function ensureWorkerBundle(root = repoRoot) {
  if (!isWorkerBundleStale(root)) {
    step(`worker bundle: ${BUNDLE_DIR} up to date`);
    return;
  }
  step(`worker bundle: bundling ${Object.keys(BUNDLE_ENTRIES).length} entries into ${BUNDLE_DIR}`);
  const started = Date.now();
  const esbuild = await import('esbuild');
  // Start empty: chunk names carry content hashes, old ones would pile up.
  fs.rmSync(path.join(root, BUNDLE_DIR), { recursive: true, force: true });
  fs.mkdirSync(path.join(root, BUNDLE_DIR), { recursive: true });
  const result = await esbuild.build(bundleOptions(root));
  const sources = Object.keys(result.metafile.inputs).sort();
  const manifest = { bundledAtMs: started, entries: BUNDLE_ENTRIES, sources };
  fs.writeFileSync(path.join(root, BUNDLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  detail(`bundled ${sources.length} source files in ${Date.now() - started} ms`);
}
