/**
 * The LiveKit Agents plugin (`plugins/livekit-agents`, its own package: `@livekit/agents` 1.9
 * wants `@livekit/rtc-node` 0.13 while the app uses 1.1) for `npm test`'s agents-plugin step:
 * `npm ci` in its folder when its node_modules is missing or older than its lock, then `tsc`
 * when its build is older than its sources. Only npm packages are downloaded, here at setup;
 * their native parts (rtc-node's FFI, sharp, local-inference with its weights inside,
 * onnxruntime-node's CPU build) and Silero's VAD model (inside
 * `@livekit/agents-plugin-silero`) come in npm packages, and npm 11 runs no dependency install
 * script (onnxruntime-node's would fetch CUDA libraries).
 */
import fs from 'node:fs';
import path from 'node:path';
import { detail, seconds, step } from './log.mjs';
import { needsNpmCi, npmInstallEnv } from './npm-deps.mjs';
import { repoRoot } from './repo.mjs';
import { run } from './run.mjs';
import { newestMtimeMs, mtimeMs } from './staleness.mjs';

export const agentsPluginDir = path.join(repoRoot, 'plugins', 'livekit-agents');

/** The compiled entry point; the plugin's tests are compiled beside it (dist/test). */
const builtEntry = path.join(agentsPluginDir, 'dist', 'src', 'index.js');

/** True when dist/ is missing or older than a source, a test or the tsconfig. */
export function isAgentsPluginBuildStale(dir = agentsPluginDir) {
  const built = mtimeMs(path.join(dir, 'dist', 'src', 'index.js'));
  if (built === null) return true;
  const sources = newestMtimeMs(
    ['src', 'test', 'tsconfig.json', 'package.json'].map((p) => path.join(dir, p)),
  );
  return sources > built;
}

/** Installs the plugin's dependencies and builds it, when either is out of date. */
export async function ensureAgentsPlugin() {
  if (needsNpmCi(agentsPluginDir)) {
    step('agents plugin: npm ci in plugins/livekit-agents');
    const { code, durationMs } = await run('npm', ['ci'], {
      cwd: agentsPluginDir,
      env: npmInstallEnv(),
    });
    if (code !== 0) throw new Error(`npm ci in plugins/livekit-agents failed (exit ${code})`);
    detail(`npm ci done in ${seconds(durationMs)}`);
  }
  if (!isAgentsPluginBuildStale()) {
    step('agents plugin: up to date');
    return;
  }
  step('agents plugin: tsc -p plugins/livekit-agents');
  // A clean build: a renamed source must not leave its old output (an old test) behind.
  fs.rmSync(path.join(agentsPluginDir, 'dist'), { recursive: true, force: true });
  const tsc = await run(path.join(agentsPluginDir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], {
    cwd: agentsPluginDir,
  });
  if (tsc.code !== 0 || !fs.existsSync(builtEntry)) {
    throw new Error(`tsc -p plugins/livekit-agents failed (exit ${tsc.code})`);
  }
}
