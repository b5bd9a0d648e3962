/**
 * When speech starts and stops at a viewer, from the audio levels it recorded
 * (subscriber.ts): the times a user would notice.
 */
import { waitUntil } from './ports';

/** RMS (16-bit units) above which received audio counts as speech; Opus silence is ~0. */
export const SPEECH_RMS = 300;

/** RMS below which received audio counts as silence (Opus silence is ~0; -50 dBFS). */
export const SILENCE_RMS = 100;

type Levels = ReadonlyArray<{ atMs: number; rms: number }>;

/**
 * Waits until the viewer has heard nothing (no frame above SPEECH_RMS) for the last
 * `windowMs`, with enough frames in that window to tell (not merely no audio at all).
 */
export function waitForSilence(levels: Levels, windowMs: number, timeoutMs: number) {
  return waitUntil(
    () => {
      const recent = levels.filter((l) => l.atMs > performance.now() - windowMs);
      return recent.length > 20 && recent.every((l) => l.rms < SPEECH_RMS);
    },
    timeoutMs,
    `${windowMs} ms of silence`,
  );
}

/** When the first loud audio after `fromMs` arrived, or undefined. */
export function firstLoudAfter(levels: Levels, fromMs: number, threshold = SPEECH_RMS) {
  return levels.find((l) => l.atMs > fromMs && l.rms > threshold)?.atMs;
}

/**
 * When silence began after `fromMs`: the arrival of the first quiet frame after the last one
 * that was not quiet, provided at least `quietMs` of quiet frames followed it; undefined while it is not
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

/**
 * When the first stretch of at least `quietMs` of silence after `fromMs` began (later sound,
 * e.g. a new answer, does not matter); undefined while there is none yet.
 */
export function firstSilenceAfter(
  levels: Levels,
  fromMs: number,
  quietMs = 300,
  threshold = SILENCE_RMS,
) {
  let start: number | undefined;
  for (const l of levels) {
    if (l.atMs <= fromMs) continue;
    if (l.rms > threshold) start = undefined;
    else if (start === undefined) start = l.atMs;
    else if (l.atMs - start >= quietMs) return start;
  }
  return undefined;
}

/**
 * Resolves at a moment the viewer is hearing speech (its newest audio frame is loud), so an
 * interrupt sent then stops a sound, not a pause between sentences. Polls every 5 ms.
 */
export async function whileSpeaking(levels: Levels, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const last = levels.at(-1);
    if (last && last.rms > SPEECH_RMS && performance.now() - last.atMs < 30) return;
    if (performance.now() > deadline) throw new Error('the viewer heard no speech to interrupt');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
