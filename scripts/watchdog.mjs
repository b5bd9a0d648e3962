#!/usr/bin/env node
/**
 * The watchdog of one launcher (`npm start`, a test stack): started by startWatchdog() in
 * scripts/lib/watchdog.mjs, in a session of its own. It reads `+<pgid>` / `-<pgid>` lines on
 * stdin; when stdin ends or the launcher's pid is gone, it stops every named process group
 * and every process carrying the launcher's token (SIGTERM, SIGKILL after --grace-ms), then
 * exits. A launcher that stopped its children itself leaves nothing to do: it exits at once.
 *
 *   node scripts/watchdog.mjs --launcher <pid> --token <hex> [--grace-ms 2000]
 */
import process from 'node:process';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { findTargets, parseWatchdogLine, processAlive } from './lib/watchdog.mjs';

const { values } = parseArgs({
  options: {
    launcher: { type: 'string' },
    token: { type: 'string' },
    'grace-ms': { type: 'string', default: '2000' },
  },
});
const launcherPid = Number(values.launcher);
const token = values.token ?? '';
const graceMs = Number(values['grace-ms']);
if (!Number.isInteger(launcherPid) || launcherPid < 2 || !/^[0-9a-f]{8,}$/.test(token)) {
  console.error('watchdog: usage: watchdog.mjs --launcher <pid> --token <hex> [--grace-ms N]');
  process.exit(2);
}
/** A child found after this long without any live target has had time to exec(). */
const QUIET_MS = 300;
const POLL_MS = 100;
/** After SIGKILL, how long to wait for the kernel to tear the processes down. */
const KILL_WAIT_MS = 3_000;

// Signals meant for a terminal's foreground group never concern us; only the pipe does.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

/** @type {Set<number>} */
const groups = new Set();
const targets = () => findTargets({ groups, token, exclude: [process.pid] });

/**
 * @param {number} target pid, or -pgid
 * @param {NodeJS.Signals} signal
 */
function send(target, signal) {
  try {
    process.kill(target, signal);
  } catch {
    // Gone already.
  }
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

let cleaning = false;
async function cleanUp() {
  if (cleaning) return;
  cleaning = true;
  const started = Date.now();
  /** Groups sent SIGTERM, and pids that got it (a second one may kill a process at once). */
  const terminatedGroups = new Set();
  const terminated = new Set();
  const stopped = new Set();
  let quietSince = Date.now();
  while (Date.now() - started < graceMs) {
    const live = targets();
    for (const { pgid, group } of live) {
      if (!group || terminatedGroups.has(pgid)) continue;
      terminatedGroups.add(pgid);
      send(-pgid, 'SIGTERM');
      for (const member of live) if (member.pgid === pgid) terminated.add(member.pid);
    }
    // The rest, and processes that appeared in a group after it was signalled (restarted by
    // a service as it went down), get a SIGTERM of their own.
    for (const { pid } of live) {
      stopped.add(pid);
      if (terminated.has(pid)) continue;
      terminated.add(pid);
      send(pid, 'SIGTERM');
    }
    if (live.length > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= QUIET_MS) break;
    await sleep(POLL_MS);
  }
  let live = targets();
  const killDeadline = Date.now() + KILL_WAIT_MS;
  let killed = 0;
  while (live.length > 0 && Date.now() < killDeadline) {
    for (const { pid, pgid, group } of live) {
      stopped.add(pid);
      killed++;
      send(group ? -pgid : pid, 'SIGKILL');
    }
    await sleep(50);
    live = targets();
  }
  if (stopped.size > 0) {
    try {
      process.stderr.write(
        `watchdog: launcher ${launcherPid} ${processAlive(launcherPid) ? 'closed the pipe' : 'is gone'}; stopped ${stopped.size} process(es) it left` +
          `${killed > 0 ? ' (some needed SIGKILL)' : ''} in ${Date.now() - started} ms\n`,
      );
    } catch {
      // Nobody is listening any more.
    }
  }
  process.exit(live.length > 0 ? 1 : 0);
}

process.stderr.on('error', () => {});
readline
  .createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = parseWatchdogLine(line);
    if (!command || cleaning) return;
    if (command.watch) groups.add(command.pgid);
    else groups.delete(command.pgid);
  })
  .on('close', () => void cleanUp());
// The pipe is the signal; the pid is a second opinion should something else hold the pipe.
setInterval(() => {
  if (!processAlive(launcherPid)) void cleanUp();
}, 500);
