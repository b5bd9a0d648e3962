/**
 * Starts the stack's processes and owns their shutdown. Each child runs in its own process
 * group, so stopping it also stops whatever it spawned (Next.js workers, tsx, ffmpeg), and so
 * a terminal's Ctrl-C reaches only the launcher, which then stops children in order.
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import process from 'node:process';
import { linePrefixer } from './log.mjs';

/**
 * @typedef {object} ManagedProcess
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {number} pid also the process group id
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {boolean} oneShot exits by design (a bootstrap step); its exit is not a failure
 */

/**
 * @typedef {object} UnexpectedExit
 * @property {string} name
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 */

/**
 * True while any process of the group `pgid` exists.
 * @param {number} pgid
 */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * @param {number} pgid
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Describes an exit for messages: "exit code 1" or "signal SIGKILL". @param {UnexpectedExit} exit */
export function describeExit(exit) {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

export class Supervisor {
  /** @type {ManagedProcess[]} */
  #processes = [];
  #stopping = false;
  /** @type {(exit: UnexpectedExit) => void} */
  #reportExit = () => {};
  /** Resolves with the first long-running child that exits while the stack is not stopping. */
  unexpectedExit = /** @type {Promise<UnexpectedExit>} */ (
    new Promise((resolve) => {
      this.#reportExit = resolve;
    })
  );
  #output;

  /**
   * @param {{ output?: NodeJS.WritableStream }} [options] where prefixed child output goes
   */
  constructor(options = {}) {
    this.#output = options.output ?? process.stdout;
  }

  /**
   * Spawns a process in its own process group with its output prefixed by `[name]`.
   * @param {string} name
   * @param {string} command
   * @param {string[]} args
   * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, oneShot?: boolean, onStdoutLine?: (line: string) => void }} [options]
   * @returns {ManagedProcess}
   */
  spawn(name, command, args, options = {}) {
    if (this.#stopping) throw new Error(`not starting ${name}: the stack is stopping`);
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      // spawn() reports ENOENT asynchronously; make it synchronous for the caller.
      throw new Error(`could not start ${name} (${command})`);
    }
    const prefix = linePrefixer(name);
    const write = (/** @type {string} */ line) => this.#output.write(prefix(line));
    readline
      .createInterface({ input: /** @type {NodeJS.ReadableStream} */ (child.stdout) })
      .on('line', (line) => {
        options.onStdoutLine?.(line);
        write(line);
      });
    readline
      .createInterface({ input: /** @type {NodeJS.ReadableStream} */ (child.stderr) })
      .on('line', write);
    const oneShot = options.oneShot ?? false;
    const exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolve({ code, signal });
        if (!this.#stopping && !oneShot) this.#reportExit({ name, code, signal });
      });
    });
    /** @type {ManagedProcess} */
    const managed = { name, child, pid: child.pid, exited, oneShot };
    this.#processes.push(managed);
    return managed;
  }

  /** True once stop() has been called. */
  get stopping() {
    return this.#stopping;
  }

  /**
   * Stops every process group, last started first: SIGTERM, then SIGKILL for a group still
   * alive after `graceMs`. Safe to call more than once; later calls wait for the first.
   * @param {{ graceMs?: number, log?: (message: string) => void }} [options]
   */
  async stop(options = {}) {
    this.#stopping = true;
    this.#stopPromise ??= this.#stopAll(options.graceMs ?? 10_000, options.log ?? (() => {}));
    return this.#stopPromise;
  }

  /** @type {Promise<void> | undefined} */
  #stopPromise;

  /**
   * @param {number} graceMs
   * @param {(message: string) => void} log
   */
  async #stopAll(graceMs, log) {
    for (const managed of [...this.#processes].reverse()) {
      if (!groupAlive(managed.pid)) continue;
      log(`stopping ${managed.name}`);
      signalGroup(managed.pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (groupAlive(managed.pid) && Date.now() < deadline && !this.#forced) await sleep(100);
      if (groupAlive(managed.pid)) {
        log(`${managed.name} did not stop in time, killing it`);
        signalGroup(managed.pid, 'SIGKILL');
        while (groupAlive(managed.pid)) await sleep(50);
      }
    }
  }

  #forced = false;

  /** Kills every remaining process group at once (a second Ctrl-C). */
  kill() {
    this.#stopping = true;
    this.#forced = true;
    for (const managed of this.#processes) signalGroup(managed.pid, 'SIGKILL');
  }
}
