import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { readProcess, waitUntilGone, type ProcessInfo } from '../../tests/support/process-tree';
import { findTargets, parseWatchdogLine, processAlive, startWatchdog } from './watchdog.mjs';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** Starts `sh -c script` in a session of its own, as the supervisor does, and records it. */
async function startShell(
  script: string,
  env: Record<string, string | undefined>,
): Promise<ProcessInfo> {
  // NodeJS.ProcessEnv requires NODE_ENV (Next.js's typings); the watchdog's env type does not.
  const child = spawn('sh', ['-c', script], {
    detached: true,
    env: env as NodeJS.ProcessEnv,
    stdio: 'ignore',
  });
  started.push(child);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const info = readProcess(child.pid as number);
  if (!info) throw new Error('the shell did not start');
  return info;
}

const sleepForever = 'while :; do sleep 0.1; done';

describe('parseWatchdogLine', () => {
  it('reads "+pgid" and "-pgid" and ignores anything else', () => {
    expect(parseWatchdogLine('+1234')).toEqual({ watch: true, pgid: 1234 });
    expect(parseWatchdogLine('-1234\r')).toEqual({ watch: false, pgid: 1234 });
    // Group 1 (init) and 0 (our own group) must never be signalled.
    for (const line of ['+1', '+0', '1234', '+12a', '', '+-5']) {
      expect(parseWatchdogLine(line)).toBeNull();
    }
  });
});

describe('the watchdog', () => {
  it('finds processes by group and by token, and not others', async () => {
    const watchdog = startWatchdog();
    try {
      const marked = await startShell(sleepForever, watchdog.mark(process.env));
      const unmarked = await startShell(sleepForever, process.env);
      const byToken = findTargets({ groups: new Set(), token: watchdog.token });
      expect(byToken.map((t) => t.pid)).toContain(marked.pid);
      expect(byToken.find((t) => t.pid === marked.pid)?.group).toBe(true);
      expect(byToken.map((t) => t.pid)).not.toContain(unmarked.pid);
      const byGroup = findTargets({ groups: new Set([unmarked.pid]) });
      expect(byGroup.map((t) => t.pid)).toContain(unmarked.pid);
      expect(byGroup.map((t) => t.pid)).not.toContain(marked.pid);
    } finally {
      watchdog.close();
    }
  });

  it('stops a child the launcher never named (killed between spawn and registration)', async () => {
    const watchdog = startWatchdog();
    // Marked, but watch() is never called: only the token can find it.
    const orphan = await startShell(`sleep 60 & ${sleepForever}`, watchdog.mark(process.env));
    const bystander = await startShell(sleepForever, process.env);
    const watchdogProcess = readProcess(watchdog.pid) as ProcessInfo;
    const groupMembers = findTargets({ groups: new Set([orphan.pid]) })
      .map((t) => readProcess(t.pid))
      .filter((p): p is ProcessInfo => p !== null);
    expect(groupMembers.length).toBeGreaterThanOrEqual(2);
    // The launcher "dies": its end of the pipe closes, as the kernel closes it on SIGKILL.
    watchdog.close();
    const { goneAfterMs, left } = await waitUntilGone([orphan], 3_000);
    expect(left).toEqual([]);
    expect(goneAfterMs).toBeLessThan(2_000);
    // The shell's `sleep 60`, in the same group, went with it.
    expect((await waitUntilGone(groupMembers, 1_000)).left).toEqual([]);
    // A process that is not the launcher's is left alone.
    expect(processAlive(bystander.pid)).toBe(true);
    // And the watchdog, its work done, exits.
    expect((await waitUntilGone([watchdogProcess], 2_000)).left).toEqual([]);
  });

  it('SIGKILLs a named group that ignores SIGTERM once the grace period is over', async () => {
    const watchdog = startWatchdog({ graceMs: 300 });
    const stubborn = await startShell(`trap "" TERM; ${sleepForever}`, process.env);
    watchdog.watch(stubborn.pid);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closedAt = Date.now();
    watchdog.close();
    const { left } = await waitUntilGone([stubborn], 3_000);
    expect(left).toEqual([]);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(250);
  });

  it('leaves a group alone once the launcher forgot it', async () => {
    const watchdog = startWatchdog();
    const done = await startShell(sleepForever, process.env);
    watchdog.watch(done.pid);
    watchdog.forget(done.pid);
    const watchdogInfo = readProcess(watchdog.pid) as ProcessInfo;
    watchdog.close();
    const { left } = await waitUntilGone([watchdogInfo], 2_000);
    expect(left).toEqual([]);
    expect(processAlive(done.pid)).toBe(true);
  });
});
