/** What a user would notice, from what the viewer recorded: sound, silence, a moving mouth. */
import type { Level, RgbaFrame } from './viewer.js';

/** RMS (16-bit units) above which received audio counts as speech; Opus silence is ~0. */
export const SPEECH_RMS = 300;

/** When the first loud audio after `fromMs` arrived, or undefined. */
export function firstLoudAfter(levels: readonly Level[], fromMs: number): number | undefined {
  return levels.find((l) => l.atMs > fromMs && l.rms > SPEECH_RMS)?.atMs;
}

/**
 * When silence began after `fromMs`: the arrival of the first quiet frame after the last loud
 * one, once at least `quietMs` of quiet followed it; undefined while it is not (yet) silent.
 */
export function silenceAfter(
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
