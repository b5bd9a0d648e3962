/**
 * A process and all its descendants, read from /proc (Linux), for tests that kill a launcher
 * and check that nothing it started is left. Each process is recorded with its start time,
 * so a pid the kernel hands out again later is not mistaken for the one recorded.
 */
import fs from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Clock ticks after boot; with the pid, names one process for good. */
  startTime: number;
  /** The executable's name (comm), e.g. "node", "livekit-server", "next-server (v1". */
  name: string;
  /** Full command line, arguments joined by spaces. */
  command: string;
  zombie: boolean;
}

/** /proc/<pid>'s stat and cmdline, or null when it is gone. */
export function readProcess(pid: number): ProcessInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    // Fields after "(comm) ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
    // cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime …
    const fields = stat.slice(close + 2).split(' ');
    let command = '';
    try {
      command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      // A zombie has no command line.
    }
    return {
      pid,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      startTime: Number(fields[19]),
      name,
      command,
      zombie: fields[0] === 'Z' || fields[0] === 'X',
    };
  } catch {
    return null;
  }
}

/** Every live process on the machine (in this PID namespace). */
export function allProcesses(): ProcessInfo[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((info): info is ProcessInfo => info !== null);
}

/** The live descendants of `rootPid` (children, their children, …), not `rootPid` itself. */
export function descendants(rootPid: number): ProcessInfo[] {
  const byParent = new Map<number, ProcessInfo[]>();
  for (const info of allProcesses()) {
    const siblings = byParent.get(info.ppid) ?? [];
    siblings.push(info);
    byParent.set(info.ppid, siblings);
  }
  const found: ProcessInfo[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of byParent.get(pid) ?? []) {
      if (child.zombie) continue;
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** True while the recorded process still runs (same pid and start time, not a zombie). */
export function stillRunning(recorded: ProcessInfo): boolean {
  const now = readProcess(recorded.pid);
  return now !== null && !now.zombie && now.startTime === recorded.startTime;
}

/**
 * Polls until none of `processes` runs; resolves with how long that took (ms) and those
 * still running at the timeout (empty when all went).
 */
export async function waitUntilGone(
  processes: ProcessInfo[],
  timeoutMs: number,
): Promise<{ goneAfterMs: number; left: ProcessInfo[] }> {
  const started = Date.now();
  for (;;) {
    const left = processes.filter(stillRunning);
    if (left.length === 0 || Date.now() - started >= timeoutMs) {
      return { goneAfterMs: Date.now() - started, left };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
