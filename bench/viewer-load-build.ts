/**
 * Builds the viewers benchmark's Go subscriber program (bench/viewer-load) into
 * `.tools/viewer-load/viewer-load` when the binary is missing or older than its sources.
 * The Go toolchain fetches the modules through the Go module proxy the environment names
 * (GOPROXY, GOFLAGS), like any `go build`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isStale } from '@/scripts/lib/staleness.mjs';

const repoRoot = path.resolve(import.meta.dirname, '..');
export const VIEWER_LOAD_SOURCE = path.join(repoRoot, 'bench', 'viewer-load');

/** Path of the built binary (gitignored, like the other built tools). */
export function viewerLoadBinary(root = repoRoot): string {
  return path.join(root, '.tools', 'viewer-load', 'viewer-load');
}

/**
 * Returns the binary's path, building it first when needed (takes ~3 s once the modules are
 * in the module cache, a minute or two the first time). Throws with what to do when `go` is
 * missing or the build fails.
 */
export function ensureViewerLoad(
  options: { source?: string; binary?: string; log?: (message: string) => void } = {},
): string {
  const source = options.source ?? VIEWER_LOAD_SOURCE;
  const binary = options.binary ?? viewerLoadBinary();
  if (!isStale(binary, [source])) return binary;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).error)
    throw new Error(
      'the viewers benchmark needs the Go toolchain (`go`) to build its subscriber program ' +
        `(${path.relative(repoRoot, source)}): install Go 1.26 or newer and put it on PATH`,
    );
  options.log?.(`building ${path.relative(repoRoot, binary)} from ${source}`);
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const result = spawnSync('go', ['build', '-o', binary, '.'], {
    cwd: source,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0)
    throw new Error(
      `go build in ${source} failed (exit ${result.status ?? result.signal}):\n` +
        `${result.stdout}${result.stderr}`,
    );
  // The build leaves the binary's old mtime when nothing changed: mark it fresh.
  const now = new Date();
  fs.utimesSync(binary, now, now);
  return binary;
}
