/**
 * CPU use of every process in the benchmark's namespace between two snapshots, grouped by
 * role (LiveKit, the app, the worker host, session processes, the speech service, the
 * benchmark's own viewers, the viewers benchmark's Go subscribers), so a step of the max-sessions search shows where the cores went.
 */
import { clockTicksPerSecond, parseProcStat } from '@/worker/host/proc-stats';
import { listPids, processName, readProc } from './pool-host';

export interface CpuSnapshot {
  atMs: number;
  /** pid → [role, utime + stime ticks]. */
  ticks: Map<number, [string, number]>;
}

export function cpuSnapshot(): CpuSnapshot {
  const ticks = new Map<number, [string, number]>();
  for (const pid of listPids()) {
    const stat = readProc(pid, 'stat');
    if (stat) ticks.set(pid, [roleOf(pid), parseProcStat(stat).ticks]);
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
    entry.percent += (used / clockTicksPerSecond() / seconds) * 100;
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
  if (name.endsWith('viewer-load')) return 'go subscribers';
  if (name.endsWith('worker/main.ts')) return 'worker host';
  if (name.includes('next') || name.includes('server.js') || name.endsWith('app-server.mjs'))
    return 'app';
  return name;
}
