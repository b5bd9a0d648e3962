/** `next build` when the production build is missing or older than its sources. */
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { detail, seconds, step } from './log.mjs';
import { repoRoot } from './repo.mjs';
import { run } from './run.mjs';
import { isStale } from './staleness.mjs';

/** Sources of the Next.js build, relative to the repository root. */
export const nextBuildSources = [
  'app',
  'lib',
  'protocol',
  'public',
  'prisma/schema.prisma',
  'next.config.js',
  'scripts/lib/response-headers.mjs',
  'middleware.ts',
  'instrumentation.ts',
  'tsconfig.json',
  'package-lock.json',
];

/**
 * True when .next/BUILD_ID is missing or any build source is newer.
 * @param {string} [root]
 */
export function needsNextBuild(root = repoRoot) {
  return isStale(
    path.join(root, '.next', 'BUILD_ID'),
    nextBuildSources.map((source) => path.join(root, source)),
  );
}

/** Environment for `next build` / `next start`: no telemetry calls. */
export function nextEnv(env = process.env) {
  return { ...env, NEXT_TELEMETRY_DISABLED: '1' };
}

/**
 * Runs `next build` (when needed, unless `force`). Throws when it fails.
 * @param {{ root?: string, force?: boolean }} [options]
 */
export async function ensureNextBuild({ root = repoRoot, force = false } = {}) {
  if (!fs.existsSync(path.join(root, 'app'))) {
    step('Next.js build: no app/ directory, skipped');
    return;
  }
  if (!force && !needsNextBuild(root)) {
    step('Next.js build: up to date');
    return;
  }
  step('Next.js build: next build (one to a few minutes)');
  const nextCli = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const { code, durationMs } = await run(process.execPath, [nextCli, 'build'], {
    cwd: root,
    env: { ...nextEnv(), NODE_ENV: 'production' },
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  detail(`built in ${seconds(durationMs)}`);
}
