/** Paths of the repository the scripts live in, independent of the caller's cwd. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Absolute path of a local npm binary (`node_modules/.bin/<name>`).
 * @param {string} name
 */
export function npmBin(name) {
  return path.join(repoRoot, 'node_modules', '.bin', name);
}

/** Where repo-local tools (the LiveKit server binary) are installed. */
export const toolsBinDir = path.join(repoRoot, '.tools', 'bin');
