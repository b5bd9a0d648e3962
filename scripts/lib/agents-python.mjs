/**
 * LiveKit Agents for Python (`livekit-agents`, PyPI), the real Python sender the agents-plugin
 * step checks the agent face against (tests/agents-python/), in a virtualenv of its own
 * (`.venv-agents`, git-ignored). Made once and kept: a venv whose livekit-agents reports the
 * pinned version is used as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo.mjs';
import { probe, run, which } from './run.mjs';
import { step } from './log.mjs';

/** The version the check is written against (1.8: voice.avatar.DataStreamAudioOutput). */
export const LIVEKIT_AGENTS_PY_VERSION = '1.8.9';

export const agentsVenv = path.join(repoRoot, '.venv-agents');

/** The venv's Python. */
export const agentsPython = path.join(agentsVenv, 'bin', 'python');

/** The check the step runs with it. */
export const agentsPythonCheck = path.join(
  repoRoot,
  'tests',
  'agents-python',
  'facecast_face_check.py',
);

/** The installed livekit-agents version, or null. */
function installedVersion() {
  if (!fs.existsSync(agentsPython)) return null;
  return probe(agentsPython, [
    '-c',
    'import importlib.metadata as m; print(m.version("livekit-agents"))',
  ]);
}

/** Makes the venv and installs the pinned livekit-agents (and numpy), unless already there. */
export async function ensureAgentsPython() {
  if (installedVersion() === LIVEKIT_AGENTS_PY_VERSION) return;
  if (!which('python3')) throw new Error('the agents-plugin step needs python3 (with venv)');
  step(
    `livekit-agents ${LIVEKIT_AGENTS_PY_VERSION}: making ${path.relative(repoRoot, agentsVenv)}`,
  );
  if (!fs.existsSync(path.join(agentsVenv, 'bin', 'pip'))) {
    const venv = await run('python3', ['-m', 'venv', agentsVenv]);
    if (venv.code !== 0) throw new Error('python3 -m venv failed (is python3-venv installed?)');
  }
  const pip = await run(path.join(agentsVenv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `livekit-agents==${LIVEKIT_AGENTS_PY_VERSION}`,
    'numpy',
  ]);
  if (pip.code !== 0) {
    throw new Error(`pip install livekit-agents==${LIVEKIT_AGENTS_PY_VERSION} failed`);
  }
  const version = installedVersion();
  if (version !== LIVEKIT_AGENTS_PY_VERSION) {
    throw new Error(
      `livekit-agents in ${agentsVenv} reports ${version}, not ${LIVEKIT_AGENTS_PY_VERSION}`,
    );
  }
}
