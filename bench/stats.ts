import os from 'node:os';

/** Percentile of already-sorted samples (nearest rank), p in 0..100. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Percentile of unsorted samples in ms, rounded to whole ms; null when there are none. */
export function percentileMs(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  return Math.round(
    percentile(
      [...values].sort((a, b) => a - b),
      p,
    ),
  );
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** The machine's 1, 5 and 15 minute load averages, as one string for a benchmark's figures. */
export const loadAverages = (): string =>
  os
    .loadavg()
    .map((l) => round(l, 2))
    .join(' ');
