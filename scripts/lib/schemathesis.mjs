/**
 * Schemathesis (PyPI), the property-based API tester `npm test`'s api-schema step runs against
 * the app, in a virtualenv of its own (`.venv-schemathesis`, git-ignored). Made once and kept:
 * a venv whose schemathesis reports the pinned version is used as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo.mjs';
import { probe, run, which } from './run.mjs';
import { step } from './log.mjs';

/** The version the step is written against (4.x: `run` with phases and named checks). */
export const SCHEMATHESIS_VERSION = '4.32.5';

export const schemathesisVenv = path.join(repoRoot, '.venv-schemathesis');

/** The CLI inside the venv. */
export const schemathesisBin = path.join(schemathesisVenv, 'bin', 'schemathesis');

/** The installed version, or null when there is no working CLI. */
function installedVersion() {
  if (!fs.existsSync(schemathesisBin)) return null;
  const output = probe(schemathesisBin, ['--version']);
  return output?.match(/version\s+(\S+)/)?.[1] ?? null;
}

/** Makes the venv and installs the pinned schemathesis, unless it is there already. */
export async function ensureSchemathesis() {
  if (installedVersion() === SCHEMATHESIS_VERSION) return;
  if (!which('python3')) throw new Error('the api-schema step needs python3 (with venv)');
  step(`schemathesis ${SCHEMATHESIS_VERSION}: making ${path.relative(repoRoot, schemathesisVenv)}`);
  if (!fs.existsSync(path.join(schemathesisVenv, 'bin', 'pip'))) {
    const venv = await run('python3', ['-m', 'venv', schemathesisVenv]);
    if (venv.code !== 0) throw new Error('python3 -m venv failed (is python3-venv installed?)');
  }
  const pip = await run(path.join(schemathesisVenv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  if (pip.code !== 0) throw new Error(`pip install schemathesis==${SCHEMATHESIS_VERSION} failed`);
  const version = installedVersion();
  if (version !== SCHEMATHESIS_VERSION) {
    throw new Error(
      `schemathesis in ${schemathesisVenv} reports ${version}, not ${SCHEMATHESIS_VERSION}`,
    );
  }
}

/**
 * schemathesis closes with a pytest-style banner (`==== 2 warnings in 30.56s ====`) that a log
 * reader takes for a pytest run that ran no test; api-schema prints it as `schemathesis: …`.
 * @param {string} line
 */
export function plainBanner(line) {
  const banner = /^=+ (.+?) =+$/.exec(line.trim());
  return banner ? `schemathesis: ${banner[1]}` : line;
}
