/** Keeps node_modules in step with package-lock.json (`npm ci` when missing or outdated). */
import path from 'node:path';
import process from 'node:process';
import { detail, seconds, step } from './log.mjs';
import { repoRoot } from './repo.mjs';
import { run } from './run.mjs';
import { mtimeMs } from './staleness.mjs';

/**
 * True when `npm ci` is needed: node_modules has never been installed, or package-lock.json
 * changed after the last install (npm writes node_modules/.package-lock.json at the end of
 * every install, after package-lock.json).
 * @param {string} [root]
 */
export function needsNpmCi(root = repoRoot) {
  const installed = mtimeMs(path.join(root, 'node_modules', '.package-lock.json'));
  const lock = mtimeMs(path.join(root, 'package-lock.json'));
  if (installed === null) return true;
  return lock !== null && lock > installed;
}

/**
 * Environment for npm installs: no downloads by install scripts. npm 11 already blocks
 * dependency install scripts not listed in allowScripts; none of ours needs one (prebuilt
 * binaries come in optional dependencies), and the Prisma ones would download engines.
 */
export function npmInstallEnv(env = process.env) {
  return {
    ...env,
    ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip',
    PRISMA_SKIP_POSTINSTALL_GENERATE: '1',
    PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
    CHECKPOINT_DISABLE: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** Runs `npm ci` when needed. Throws when it fails. */
export async function ensureNodeModules(root = repoRoot) {
  if (!needsNpmCi(root)) {
    step('npm dependencies: up to date');
    return;
  }
  step('npm dependencies: running npm ci (about 30 s)');
  const { code, durationMs } = await run('npm', ['ci'], { cwd: root, env: npmInstallEnv() });
  if (code !== 0) throw new Error(`npm ci failed (exit ${code})`);
  detail(`npm ci done in ${seconds(durationMs)}`);
}
