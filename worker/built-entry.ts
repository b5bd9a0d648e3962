/**
 * Where the bundled worker entries are (scripts/lib/worker-bundle.mjs builds them into
 * build/worker/*.mjs at setup; docs/decisions/008-bundled-session-process.md). A bundled
 * entry runs without tsx: the host forks the session process from it, and thread hosts start
 * their threads from it. From source (tests, `npm run worker` before setup, a bundle older
 * than an edit) there is no usable bundle and callers fall back to tsx.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Names of the bundled entries (BUNDLE_ENTRIES in scripts/lib/worker-bundle.mjs). */
export type BuiltEntryName = 'session-main' | 'render-thread' | 'tts-thread' | 'lip-sync-thread';

const here = fileURLToPath(import.meta.url);
/** Inside a bundle this module is build/worker/<chunk>.mjs; from source, worker/built-entry.ts. */
const bundled = here.endsWith('.mjs');
const bundleDir = bundled
  ? path.dirname(here)
  : path.join(path.dirname(here), '..', 'build', 'worker');
const repoRoot = path.join(bundleDir, '..', '..');

let verdict: boolean | undefined;

/**
 * True when the bundle exists and none of the sources it was built from had changed when this
 * process first asked. Decided once per process, like the host's own code, which an edit does
 * not change either: every session process of one host runs the same code. Code running from
 * the bundle always gets true: it is the bundle.
 */
export function workerBundleFresh(): boolean {
  if (bundled) return true;
  verdict ??= checkFresh();
  return verdict;
}

function checkFresh(): boolean {
  const manifestPath = path.join(bundleDir, 'manifest.json');
  try {
    const builtMs = statSync(manifestPath).mtimeMs;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { sources?: unknown };
    if (!Array.isArray(manifest.sources)) return false;
    return manifest.sources.every(
      (source) =>
        typeof source === 'string' && statSync(path.join(repoRoot, source)).mtimeMs <= builtMs,
    );
  } catch {
    // No bundle, or a bundled source was removed: use the sources.
    return false;
  }
}

/** Absolute path of a bundled entry when the bundle is fresh, else undefined. */
export function builtEntryPath(name: BuiltEntryName): string | undefined {
  return workerBundleFresh() ? path.join(bundleDir, `${name}.mjs`) : undefined;
}

/**
 * Starts a worker thread on an entry: the bundled one when fresh, otherwise the TypeScript
 * entry behind tsx. Node 20 resolves a worker's main module before `--import` hooks apply, so
 * the fallback is a tiny eval bootstrap that registers tsx in the thread, then imports the
 * entry (require.resolve of 'tsx' would pick its CJS API, which cannot register ESM hooks).
 * @param name bundled entry name
 * @param sourceUrl the TypeScript entry (new URL('./x.ts', import.meta.url) in the caller)
 */
export function startThread(
  name: BuiltEntryName,
  sourceUrl: URL,
  options: Omit<WorkerOptions, 'eval'> = {},
): Worker {
  const built = builtEntryPath(name);
  if (built) return new Worker(built, options);
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const tsxApi = pathToFileURL(path.join(path.dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(sourceUrl.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
