/**
 * Starts the stack's processes and owns their shutdown. Each child runs in its own process
 * group, so stopping it also stops whatever it spawned (Next.js workers, tsx, ffmpeg), and so
 * a terminal's Ctrl-C reaches only the launcher, which then stops them all within a budget.
 * Each group is also named to a watchdog process (./watchdog.mjs), which stops them when the
 * launcher dies without doing so itself — a SIGKILL (decision 026).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import process from 'node:process';
import { linePrefixer } from './log.mjs';
import { findTargets, startWatchdog } from './watchdog.mjs';

/** Default grace between SIGTERM and SIGKILL when stopping, ms. */
export const STOP_GRACE_MS = 3_000;
/** How long stop() waits for SIGKILLed groups to vanish, ms. */
const KILL_WAIT_MS = 1_000;

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
 * True while any process of the group `pgid` runs. Zombies do not count: they have exited and
 * hold no port or lock, and an init that is slow to reap them must not stall a stop.
 * @param {number} pgid
 */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EPERM') return false;
  }
  // Without /proc (not Linux) the signal's answer is all there is.
  if (!fs.existsSync('/proc/self/stat')) return true;
  return findTargets({ groups: new Set([pgid]) }).length > 0;
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
  /** @type {import('./watchdog.mjs').Watchdog | undefined} */
  #watchdog;
  /** True when this supervisor started its watchdog (and so closes it after stop()). */
  #ownsWatchdog;

  /**
   * @param {{ output?: NodeJS.WritableStream, watchdog?: import('./watchdog.mjs').Watchdog }} [options]
   *   `output`: where prefixed child output goes; `watchdog`: the launcher's, when it started
   *   one before this supervisor (otherwise the first spawn() starts one)
   */
  constructor(options = {}) {
    this.#output = options.output ?? process.stdout;
    this.#watchdog = options.watchdog;
    this.#ownsWatchdog = options.watchdog === undefined;
  }

  /** The watchdog this supervisor's children are named to (started on first use). */
  get watchdog() {
    this.#watchdog ??= startWatchdog();
    return this.#watchdog;
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
    const watchdog = this.watchdog;
    const child = spawn(command, args, {
      cwd: options.cwd,
      // The token lets the watchdog find the child even if this process dies before the
      // watch() below (and its descendants, which inherit it).
      env: watchdog.mark(options.env ?? process.env),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      // spawn() reports ENOENT asynchronously; make it synchronous for the caller.
      throw new Error(`could not start ${name} (${command})`);
    }
    watchdog.watch(child.pid);
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
   * Stops every process group: SIGTERM to all at once, then SIGKILL for the groups still
   * alive after `graceMs`, then waits (≤ 1 s) for them to vanish. Safe to call more than once;
   * later calls wait for the first.
   * @param {{ graceMs?: number, log?: (message: string) => void }} [options]
   */
  async stop(options = {}) {
    this.#stopping = true;
    this.#stopPromise ??= this.#stopAll(
      options.graceMs ?? STOP_GRACE_MS,
      options.log ?? (() => {}),
    );
    return this.#stopPromise;
  }

  /** @type {Promise<void> | undefined} */
  #stopPromise;

  /**
   * @param {number} graceMs
   * @param {(message: string) => void} log
   */
  async #stopAll(graceMs, log) {
    // All at once: one shared budget, so `npm start` is gone within graceMs + 1 s whatever
    // each service does with SIGTERM (last started named first, as they used to stop).
    const running = [...this.#processes].reverse().filter((managed) => groupAlive(managed.pid));
    if (running.length > 0) log(`stopping ${running.map((managed) => managed.name).join(', ')}`);
    for (const managed of running) signalGroup(managed.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    const alive = () => running.filter((managed) => groupAlive(managed.pid));
    /** Groups signalled again after their leader exited. */
    const resignalled = new Set();
    while (alive().length > 0 && Date.now() < deadline && !this.#forced) {
      // A service may restart a child it lost to the SIGTERM before exiting itself (the worker
      // host did so with its speech service until it stopped restarting children while
      // stopping): that child never got the signal. Once the leader is gone,
      // what is left of its group gets one more SIGTERM (a second one to a process still
      // shutting down would cut it short, so not before).
      for (const managed of running) {
        const exited = managed.child.exitCode !== null || managed.child.signalCode !== null;
        if (exited && !resignalled.has(managed) && groupAlive(managed.pid)) {
          resignalled.add(managed);
          signalGroup(managed.pid, 'SIGTERM');
        }
      }
      await sleep(50);
    }
    const stubborn = alive();
    if (stubborn.length > 0) {
      log(`${stubborn.map((managed) => managed.name).join(', ')} did not stop in time, killing`);
      for (const managed of stubborn) signalGroup(managed.pid, 'SIGKILL');
      const killDeadline = Date.now() + KILL_WAIT_MS;
      while (alive().length > 0 && Date.now() < killDeadline) await sleep(20);
    }
    const left = alive();
    for (const managed of this.#processes) {
      if (!left.includes(managed)) this.#watchdog?.forget(managed.pid);
    }
    // What is left (a process stuck in the kernel) stays the watchdog's, which outlives us.
    if (this.#ownsWatchdog && left.length === 0) this.#watchdog?.close();
  }

  #forced = false;

  /** Kills every remaining process group at once (a second Ctrl-C). */
  kill() {
    this.#stopping = true;
    this.#forced = true;
    for (const managed of this.#processes) signalGroup(managed.pid, 'SIGKILL');
  }
}
