/**
 * Per-process CPU and memory from Linux /proc: what the host reports for itself and each
 * session process, and what its metrics show. CPU is utime+stime from /proc/<pid>/stat over
 * the time between two samples (100 % = one core); memory is RSS and PSS from
 * /proc/<pid>/smaps_rollup. PSS splits shared pages (the memory-mapped frame stores, the
 * Node binary) between the processes mapping them, so PSS summed over processes is the
 * host's real footprint while RSS summed counts shared frames once per session.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface ProcessStats {
  /** CPU over the last interval, 100 = one core fully busy. */
  cpuPercent: number;
  /** Resident set size, bytes. */
  rssBytes: number;
  /** Proportional set size, bytes; undefined when smaps_rollup cannot be read. */
  pssBytes: number | undefined;
}

/** One reading of a process's CPU counters. */
export interface CpuTicks {
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** When the process started, clock ticks after boot: tells a reused pid apart. */
  startTicks: number;
}

const DEFAULT_CLOCK_TICKS_PER_SECOND = 100;
let clockTicks: number | undefined;

/** The kernel's USER_HZ (`getconf CLK_TCK`), read once; 100 when getconf is unavailable. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      clockTicks = Number.isInteger(value) && value > 0 ? value : DEFAULT_CLOCK_TICKS_PER_SECOND;
    } catch {
      clockTicks = DEFAULT_CLOCK_TICKS_PER_SECOND;
    }
  }
  return clockTicks;
}

/**
 * Parses /proc/<pid>/stat. The command name (field 2) is in parentheses and may itself hold
 * spaces or parentheses, so fields are counted from the last ')'.
 */
export function parseProcStat(text: string): CpuTicks {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line: no command name');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const rest = text.slice(close + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const startTicks = Number(rest[19]);
  if (![utime, stime, startTicks].every(Number.isFinite)) {
    throw new Error('not a /proc/<pid>/stat line: utime, stime or starttime missing');
  }
  return { ticks: utime + stime, startTicks };
}

/** Reads `<Key>: <n> kB` from /proc status-style text, in bytes; undefined when absent. */
export function kilobyteField(text: string, key: string): number | undefined {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** RSS and PSS of a process; undefined when the process is gone. */
export async function readProcessMemory(
  pid: number,
): Promise<{ rssBytes: number; pssBytes: number | undefined } | undefined> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => undefined);
  if (rollup !== undefined) {
    const rssBytes = kilobyteField(rollup, 'Rss');
    const pssBytes = kilobyteField(rollup, 'Pss');
    // A zombie's rollup is empty: fall through to status, which says it has no VmRSS.
    if (rssBytes !== undefined) return { rssBytes, pssBytes };
  }
  // smaps_rollup needs ptrace access (another user's process) or Linux ≥ 4.14.
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  if (status === undefined) return undefined;
  return { rssBytes: kilobyteField(status, 'VmRSS') ?? 0, pssBytes: undefined };
}

/** CPU counters of a process; undefined when it is gone. */
export async function readCpuTicks(pid: number): Promise<CpuTicks | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseProcStat(text);
}

interface Previous extends CpuTicks {
  atMs: number;
}

/**
 * Samples processes repeatedly, each sample's CPU measured since the previous one of the same
 * pid. A pid's first sample gives its average since it started. Pids that are gone are left
 * out of the result; pids gone or not asked for are forgotten; a pid reused by a new process
 * starts afresh. Calls must not overlap (await each one).
 */
export class ProcStatsSampler {
  private previous = new Map<number, Previous>();
  private readonly ticksPerSecond: number;

  constructor(options: { ticksPerSecond?: number } = {}) {
    this.ticksPerSecond = options.ticksPerSecond ?? clockTicksPerSecond();
  }

  async sample(pids: readonly number[]): Promise<Map<number, ProcessStats>> {
    const uptimeMs = await readUptimeMs();
    const readings = await Promise.all(
      pids.map(async (pid) => {
        const cpu = await readCpuTicks(pid).catch(() => undefined);
        const atMs = performance.now();
        const memory = cpu ? await readProcessMemory(pid) : undefined;
        return { pid, cpu, atMs, memory };
      }),
    );
    const next = new Map<number, Previous>();
    const result = new Map<number, ProcessStats>();
    for (const { pid, cpu, atMs, memory } of readings) {
      if (!cpu || !memory) continue;
      next.set(pid, { ...cpu, atMs });
      const before = this.previous.get(pid);
      let cpuPercent: number;
      if (before && before.startTicks === cpu.startTicks && atMs > before.atMs) {
        const cpuMs = ((cpu.ticks - before.ticks) * 1000) / this.ticksPerSecond;
        cpuPercent = (100 * cpuMs) / (atMs - before.atMs);
      } else {
        const livedMs = uptimeMs - (cpu.startTicks * 1000) / this.ticksPerSecond;
        cpuPercent = livedMs > 0 ? (100 * cpu.ticks * 1000) / this.ticksPerSecond / livedMs : 0;
      }
      result.set(pid, { cpuPercent: Math.max(0, cpuPercent), ...memory });
    }
    this.previous = next;
    return result;
  }
}

async function readUptimeMs(): Promise<number> {
  const text = await readFile('/proc/uptime', 'utf8');
  return Number(text.split(' ')[0]) * 1000;
}
