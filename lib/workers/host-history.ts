/**
 * A short in-memory history per worker host, for the pool dashboard's charts: one sample per
 * report, the last 10 minutes. Kept on globalThis because Next.js may load this module in
 * more than one bundle of the same process; lost on restart, which is fine for a chart.
 */

/** How far back the history reaches, ms. */
export const HOST_HISTORY_MS = 10 * 60_000;

export interface HostSample {
  /** Unix time of the report, ms. */
  atMs: number;
  /** 0-1. */
  load: number;
  /** 100 = one core. */
  cpuPercent: number;
  active: number;
}

const holder = globalThis as typeof globalThis & {
  facecastHostHistory?: Map<string, HostSample[]>;
};

function histories(): Map<string, HostSample[]> {
  holder.facecastHostHistory ??= new Map();
  return holder.facecastHostHistory;
}

/** Appends a sample and drops those older than HOST_HISTORY_MS before it. */
export function recordHostSample(hostId: string, sample: HostSample): void {
  const samples = histories().get(hostId) ?? [];
  samples.push(sample);
  const oldest = sample.atMs - HOST_HISTORY_MS;
  let drop = 0;
  while (drop < samples.length && samples[drop]!.atMs < oldest) drop++;
  if (drop > 0) samples.splice(0, drop);
  histories().set(hostId, samples);
}

/** The host's samples, oldest first (a copy). */
export function hostHistory(hostId: string): HostSample[] {
  return [...(histories().get(hostId) ?? [])];
}
