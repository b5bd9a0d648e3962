/**
 * When speech starts and stops at a viewer, from the audio levels it recorded
 * (subscriber.ts): the times a user would notice.
 */

/** RMS (16-bit units) above which received audio counts as speech; Opus silence is ~0. */
export const SPEECH_RMS = 300;

type Levels = ReadonlyArray<{ atMs: number; rms: number }>;

/** When the first loud audio after `fromMs` arrived, or undefined. */
export function firstLoudAfter(levels: Levels, fromMs: number, threshold = SPEECH_RMS) {
  return levels.find((l) => l.atMs > fromMs && l.rms > threshold)?.atMs;
}

/**
 * When silence began after `fromMs`: the arrival of the first quiet frame after the last loud
 * one, provided at least `quietMs` of quiet frames followed it; undefined while it is not
 * (yet) silent.
 */
export function silenceAfter(
  levels: Levels,
  fromMs: number,
  quietMs = 300,
  threshold = SPEECH_RMS,
) {
  const after = levels.filter((l) => l.atMs > fromMs);
  let lastLoud = -1;
  after.forEach((l, i) => {
    if (l.rms > threshold) lastLoud = i;
  });
  const firstQuiet = after[lastLoud + 1];
  const last = after.at(-1);
  if (!firstQuiet || !last || last.atMs - firstQuiet.atMs < quietMs) return undefined;
  return firstQuiet.atMs;
}
