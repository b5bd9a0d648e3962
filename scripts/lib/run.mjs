/**
 * Running commands from the setup / test scripts: inherit stdio, resolve with the exit code,
 * never throw on a non-zero exit (callers decide), and report how long it took.
 */
import { spawn, spawnSync } from 'node:child_process';
import process from 'node:process';

/**
 * Runs a command with inherited stdio.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, stdio?: import('node:child_process').StdioOptions }} [options]
 * @returns {Promise<{ code: number, durationMs: number }>} code is 128+signal when killed by one
 */
export function run(command, args, options = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.stdio ?? 'inherit',
    });
    // Forward Ctrl-C / SIGTERM to the running step; the parent exits once the step ends.
    const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (/** @type {number} */ code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code, durationMs: Date.now() - started });
    };
    child.on('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      done(127);
    });
    child.on('exit', (code, signal) => {
      done(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
}

/** @param {NodeJS.Signals} signal */
function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 0;
}

/**
 * Runs a command synchronously and returns its trimmed stdout, or null when it cannot run or
 * exits non-zero. For quick probes (`dpkg-query`, `--version`), not for long work.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 */
export function probe(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim();
}

/**
 * Finds an executable on PATH, like `command -v`.
 * @param {string} name
 * @returns {string | null} absolute path
 */
export function which(name) {
  return probe('sh', ['-c', 'command -v "$1"', 'sh', name]) || null;
}

/** True when this process runs as root (uid 0). */
export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
