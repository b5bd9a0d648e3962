/** What a user would notice, from what the viewer recorded: sound, silence, a moving mouth. */
import type { Level, RgbaFrame } from './viewer.js';

/** RMS (16-bit units) above which received audio counts as speech; Opus silence is ~0. */
export const SPEECH_RMS = 300;

/** When the first loud audio after `fromMs` arrived, or undefined. */
export function firstLoudAfter(levels: readonly Level[], fromMs: number): number | undefined {
  return levels.find((l) => l.atMs > fromMs && l.rms > SPEECH_RMS)?.atMs;
}

/**
 * When each frame from `fromMs - lookBackMs` on left the subscriber's receiver, as opposed to
 * when this process's event loop got round to reading it (later, and in bursts, when the
 * loop is busy: the same process runs the agent). The receiver hands out 10 ms of audio every
 * 10 ms, so a frame left it at `anchor + mediaEndMs`, where the anchor is the smallest
 * `atMs - mediaEndMs` in the window: the frame read with the least delay. Never earlier than
 * that frame was actually read; a frame read late never moves the anchor.
 */
export function receivedTimes(
  levels: readonly Level[],
  fromMs: number,
  lookBackMs = 1_000,
): Array<Level & { receivedMs: number }> {
  const window = levels.filter((l) => l.atMs > fromMs - lookBackMs);
  const anchor = Math.min(...window.map((l) => l.atMs - l.mediaEndMs));
  return window.map((l) => ({ ...l, receivedMs: anchor + l.mediaEndMs }));
}

/**
 * When silence began at the subscriber after `fromMs`: the time the first quiet frame after
 * the last loud one left the receiver (receivedTimes), once at least `quietMs` of quiet
 * followed it; undefined while it is not (yet) silent.
 */
export function silenceAfter(
  levels: readonly Level[],
  fromMs: number,
  quietMs = 300,
): number | undefined {
  const after = receivedTimes(levels, fromMs).filter((l) => l.receivedMs > fromMs);
  let lastLoud = -1;
  after.forEach((l, i) => {
    if (l.rms > SPEECH_RMS) lastLoud = i;
  });
  const firstQuiet = after[lastLoud + 1];
  const last = after.at(-1);
  if (!firstQuiet || !last || last.receivedMs - firstQuiet.receivedMs < quietMs) return undefined;
  return firstQuiet.receivedMs;
}

/** Like silenceAfter, by the time each frame was read here (lag of this process included). */
export function silenceReadAfter(
  levels: readonly Level[],
  fromMs: number,
  quietMs = 300,
): number | undefined {
  const after = levels.filter((l) => l.atMs > fromMs);
  let lastLoud = -1;
  after.forEach((l, i) => {
    if (l.rms > SPEECH_RMS) lastLoud = i;
  });
  const firstQuiet = after[lastLoud + 1];
  const last = after.at(-1);
  if (!firstQuiet || !last || last.atMs - firstQuiet.atMs < quietMs) return undefined;
  return firstQuiet.atMs;
}

/** A box in the avatar's frame, px of a `sizePx`-wide frame. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Mean absolute RGB difference of two frames inside `box` (given for a `sizePx`-wide frame). */
export function regionDiff(a: RgbaFrame, b: RgbaFrame, box: Box, sizePx: number): number {
  const scale = a.widthPx / sizePx;
  let sum = 0;
  let n = 0;
  for (let y = Math.round(box.y0 * scale); y < Math.round(box.y1 * scale); y++) {
    for (let x = Math.round(box.x0 * scale); x < Math.round(box.x1 * scale); x++) {
      const o = (y * a.widthPx + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs((a.data[o + c] ?? 0) - (b.data[o + c] ?? 0));
      n += 3;
    }
  }
  return sum / Math.max(1, n);
}
