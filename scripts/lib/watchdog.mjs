/**
 * The launcher's dead-man switch (decision 026). `npm start` cannot clean up after a SIGKILL,
 * so before it starts anything it spawns `scripts/watchdog.mjs`: a small process in its own
 * session, holding the read end of a pipe from the launcher. The launcher names each child's
 * process group on the pipe; when the pipe reaches end-of-file (the kernel closes it when the
 * launcher dies, however it dies) the watchdog stops those groups, SIGTERM then SIGKILL.
 *
 * A child started but not yet named (the launcher killed between spawn() and the write) is
 * still found: every child gets `FACECAST_LAUNCH_TOKEN=<token>` in its environment, and the
 * watchdog also stops every process whose /proc/<pid>/environ carries it. Their children
 * inherit it too, unless they replace their environment.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** The environment variable that marks every process a launcher started. */
export const LAUNCH_TOKEN_VARIABLE = 'FACECAST_LAUNCH_TOKEN';

/** Grace the watchdog gives the groups between SIGTERM and SIGKILL, ms. */
export const WATCHDOG_GRACE_MS = 2_000;

const WATCHDOG_SCRIPT = path.join(import.meta.dirname, '..', 'watchdog.mjs');

/**
 * A line of the launcher → watchdog pipe: `+<pgid>` watch a group, `-<pgid>` forget it.
 * Returns null for anything else.
 * @param {string} line
 * @returns {{ watch: boolean, pgid: number } | null}
 */
export function parseWatchdogLine(line) {
  const match = /^([+-])(\d+)$/.exec(line.trim());
  if (!match) return null;
  const pgid = Number(match[2]);
  return pgid > 1 ? { watch: match[1] === '+', pgid } : null;
}

/**
 * True while `pid` exists and is not a zombie (a zombie has exited and holds nothing; it
 * waits for its parent, or init, to reap it).
 * @param {number} pid
 * @param {string} [procDir]
 */
export function processAlive(pid, procDir = '/proc') {
  let stat;
  try {
    stat = fs.readFileSync(path.join(procDir, String(pid), 'stat'), 'utf8');
  } catch {
    return false;
  }
  // "pid (comm) S ...": comm may contain spaces and parentheses, the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/**
 * The live processes a watchdog must stop: members of the named process groups, and every
 * process whose environment carries the launch token (`group` is then true when it leads a
 * group of its own, as the launcher's children do). Zombies are left out: they hold nothing.
 * @param {{ groups: ReadonlySet<number>, token?: string, exclude?: number[], procDir?: string }} options
 *   `token`: none = members of `groups` only
 * @returns {{ pid: number, pgid: number, group: boolean }[]}
 */
export function findTargets(options) {
  const procDir = options.procDir ?? '/proc';
  const exclude = new Set(options.exclude ?? []);
  const needle = options.token ? Buffer.from(`${LAUNCH_TOKEN_VARIABLE}=${options.token}\0`) : null;
  /** @type {{ pid: number, pgid: number, group: boolean }[]} */
  const found = [];
  for (const entry of fs.readdirSync(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (exclude.has(pid)) continue;
    try {
      const stat = fs.readFileSync(path.join(procDir, entry, 'stat'), 'utf8');
      // "pid (comm) S ppid pgid …": comm may hold spaces and parentheses; fields follow the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      const pgid = Number(fields[2]);
      if (options.groups.has(pgid)) {
        found.push({ pid, pgid, group: true });
      } else if (needle && fs.readFileSync(path.join(procDir, entry, 'environ')).includes(needle)) {
        found.push({ pid, pgid, group: pgid === pid });
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/**
 * The launcher's end: spawns the watchdog and tells it about each process group.
 * @typedef {object} Watchdog
 * @property {string} token the value of FACECAST_LAUNCH_TOKEN for this launcher's children
 * @property {number} pid the watchdog's pid
 * @property {(pgid: number) => void} watch
 * @property {(pgid: number) => void} forget
 * @property {(env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv} mark `env` plus the launch token
 * @property {() => void} close ends the pipe: the watchdog stops what is left and exits
 */

/**
 * Starts the watchdog of this process. It neither keeps this process alive nor dies with its
 * process group (it runs in a session of its own, like the children).
 * @param {{ graceMs?: number }} [options]
 * @returns {Watchdog}
 */
export function startWatchdog(options = {}) {
  const token = randomBytes(8).toString('hex');
  const env = { ...process.env };
  delete env[LAUNCH_TOKEN_VARIABLE];
  const child = spawn(
    process.execPath,
    [
      WATCHDOG_SCRIPT,
      '--launcher',
      String(process.pid),
      '--token',
      token,
      '--grace-ms',
      String(options.graceMs ?? WATCHDOG_GRACE_MS),
    ],
    { detached: true, env, stdio: ['pipe', 'ignore', 'inherit'] },
  );
  if (child.pid === undefined) throw new Error('could not start the watchdog');
  const stdin = /** @type {import('node:net').Socket} */ (child.stdin);
  // A watchdog that died early must not crash the launcher with EPIPE.
  stdin.on('error', () => {});
  stdin.unref();
  child.unref();
  let open = true;
  /** @param {string} line */
  const send = (line) => {
    if (open) stdin.write(`${line}\n`);
  };
  return {
    token,
    pid: child.pid,
    watch: (pgid) => send(`+${pgid}`),
    forget: (pgid) => send(`-${pgid}`),
    mark: (base) => ({ ...base, [LAUNCH_TOKEN_VARIABLE]: token }),
    close: () => {
      if (!open) return;
      open = false;
      stdin.end();
    },
  };
}
