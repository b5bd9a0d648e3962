/**
 * CPU use of every process in the benchmark's namespace between two snapshots, grouped by
 * role (LiveKit, the app, the worker host, session processes, the speech service, the
 * benchmark's own viewers), so a step of the max-sessions search shows where the cores went.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processName } from './pool-host';

/** Kernel clock ticks per second (USER_HZ); 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  atMs: number;
  /** pid → [role, utime + stime ticks]. */
  ticks: Map<number, [string, number]>;
}

export function cpuSnapshot(): CpuSnapshot {
  const ticks = new Map<number, [string, number]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after "(comm) ": state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(pid, [roleOf(pid), Number(fields[11]) + Number(fields[12])]);
  }
  return { atMs: performance.now(), ticks };
}

/** Percent of one core per role between two snapshots, largest first: "livekit 12 %, …". */
export function cpuByRole(before: CpuSnapshot, after: CpuSnapshot): string {
  const seconds = (after.atMs - before.atMs) / 1000;
  const byRole = new Map<string, { percent: number; processes: number }>();
  for (const [pid, [role, ticks]] of after.ticks) {
    const used = ticks - (before.ticks.get(pid)?.[1] ?? 0);
    const entry = byRole.get(role) ?? { percent: 0, processes: 0 };
    entry.percent += (used / TICKS_PER_SECOND / seconds) * 100;
    entry.processes++;
    byRole.set(role, entry);
  }
  return [...byRole]
    .filter(([, { percent }]) => percent >= 0.5)
    .sort((a, b) => b[1].percent - a[1].percent)
    .map(([role, { percent, processes }]) =>
      processes > 1
        ? `${role} ${processes}× ${Math.round(percent)} %`
        : `${role} ${Math.round(percent)} %`,
    )
    .join(', ');
}

function roleOf(pid: number): string {
  if (pid === process.pid) return 'bench viewers';
  const name = processName(pid);
  if (name.includes('livekit-server')) return 'livekit';
  if (name.endsWith('session-main.mjs') || name.endsWith('session/main.ts')) return 'session';
  if (name.includes('speech-service')) return 'speech service';
  if (name.endsWith('worker/main.ts')) return 'worker host';
  if (name.includes('next') || name.includes('server.js')) return 'app';
  return name;
}
