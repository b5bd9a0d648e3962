import { describe, expect, it } from 'vitest';
import type { FaceGeometry } from '../../protocol/face-geometry';
import { syntheticAvatar, syntheticImage } from '../testing/synthetic-avatar';
import { NEUTRAL_POSE, pose, type MouthPose } from '../visemes/mouth-pose';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { FaceRenderer, type FaceFrames, type OutputFormat } from './face-renderer';
import { i420Bytes, rgbaToI420 } from './i420';

/** The conversion pixel by pixel, written out plainly: what the fast one must equal. */
function referenceI420(rgba: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(i420Bytes(w, h));
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  const at = (x: number, y: number, k: number) =>
    rgba[(Math.min(y, h - 1) * w + Math.min(x, w - 1)) * 4 + k]!;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      out[y * w + x] = ((66 * at(x, y, 0) + 129 * at(x, y, 1) + 25 * at(x, y, 2) + 128) >> 8) + 16;
  for (let cy = 0; cy < ch; cy++)
    for (let cx = 0; cx < cw; cx++) {
      const avg = (k: number) =>
        (at(2 * cx, 2 * cy, k) +
          at(2 * cx + 1, 2 * cy, k) +
          at(2 * cx, 2 * cy + 1, k) +
          at(2 * cx + 1, 2 * cy + 1, k) +
          2) >>
        2;
      const [r, g, b] = [avg(0), avg(1), avg(2)];
      out[w * h + cy * cw + cx] = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
      out[w * h + cw * ch + cy * cw + cx] = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    }
  return out;
}

function randomRgba(w: number, h: number, seed: number): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return data;
}

const pixels = (d: Uint8Array) => new Uint32Array(d.buffer, d.byteOffset, d.length / 4);

describe('rgbaToI420', () => {
  it('matches the plain conversion, odd sizes included', () => {
    for (const [w, h] of [
      [16, 8],
      [17, 9],
      [1, 1],
      [33, 2],
    ] as const) {
      const rgba = randomRgba(w, h, w * 31 + h);
      const out = new Uint8Array(i420Bytes(w, h));
      rgbaToI420(pixels(rgba), w, h, out);
      expect(out).toEqual(referenceI420(rgba, w, h));
    }
  });

  it('with a region, writes exactly the 2×2 blocks that touch it', () => {
    const [w, h] = [21, 15];
    const rgba = randomRgba(w, h, 7);
    const out = new Uint8Array(i420Bytes(w, h)).fill(1);
    rgbaToI420(pixels(rgba), w, h, out, 5, 3, 9, 8);
    const ref = referenceI420(rgba, w, h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        // Pixels 5..8 × 3..7 lie in blocks 2..4 × 1..3, i.e. pixels 4..9 × 2..7.
        const inRegion = x >= 4 && x <= 9 && y >= 2 && y <= 7;
        expect(out[y * w + x]).toBe(inRegion ? ref[y * w + x] : 1);
      }
    const cw = 11;
    for (let cy = 0; cy < 8; cy++)
      for (let cx = 0; cx < cw; cx++) {
        const inRegion = cx >= 2 && cx <= 4 && cy >= 1 && cy <= 3;
        expect(out[w * h + cy * cw + cx]).toBe(inRegion ? ref[w * h + cy * cw + cx] : 1);
      }
  });
});

describe('FaceRenderer I420 output', () => {
  const image = syntheticImage();
  const face = syntheticAvatar('unused.png').face;
  const { widthPx: w, heightPx: h } = image;
  const renderer = (frames: FaceFrames, format: OutputFormat) =>
    new FaceRenderer({
      frames,
      widthPx: w,
      heightPx: h,
      appearance: measureAppearance(image, frames.faces[0] as FaceGeometry),
      format,
    });
  /**
   * Talking (the mouth moves every frame), blinking and swaying, 12 s at 25 fps, with 3 s
   * of silence in the middle (frames that repeat the last one while the sway stands still).
   */
  const inputs = Array.from({ length: 300 }, (_, f) => {
    const silent = f >= 120 && f < 195;
    const p: MouthPose = silent
      ? NEUTRAL_POSE
      : pose({
          jawOpen: 0.5 + 0.5 * Math.sin(f * 0.7),
          lipClosure: f % 9 === 0 ? 1 : 0,
          lipWidth: 0.5 + 0.5 * Math.sin(f * 0.3),
          lipRound: f % 13 < 4 ? 0.8 : 0,
        });
    return { tick: f, timeMs: f * 40, pose: p, eyesClosed: f % 60 < 5 ? (f % 60) / 4 : 0 };
  });

  const WIDE_OPEN = pose({ jawOpen: 1, lipClosure: 0 });
  /** Renders every input in both formats; returns how many frames differ from the reference. */
  const mismatches = (frames: FaceFrames) => {
    const rgbaRenderer = renderer(frames, 'rgba');
    const i420Renderer = renderer(frames, 'i420');
    const rgba = new Uint8Array(rgbaRenderer.frameBytes);
    // Frames rotate through a pool in the session: the buffer holds an older frame.
    const pool = [0, 1, 2].map(() => new Uint8Array(i420Renderer.frameBytes));
    let bad = 0;
    inputs.forEach((input, f) => {
      // The reference never takes the renderer's repeat-the-last-frame shortcut: a wide-open
      // mouth drawn first at the same time makes every frame new to it.
      rgbaRenderer.render(rgba, { ...input, pose: WIDE_OPEN });
      rgbaRenderer.render(rgba, input);
      const out = pool[f % 3]!;
      i420Renderer.render(out, input);
      if (!Buffer.from(out).equals(referenceI420(rgba, w, h))) bad++;
    });
    return bad;
  };

  it('equals the whole-frame conversion of the RGBA frame, frame after frame, for a still', () => {
    expect(
      mismatches({ frameCount: 1, loop: 'pingpong', frame: () => image.data, faces: [face] }),
    ).toBe(0);
  });

  it('equals it for a video loop too', () => {
    const shifted = [0, 2, 4].map((dx) => {
      const data = new Uint8Array(image.data.length);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const o = (y * w + x) * 4;
          data.set(
            image.data.subarray(o - (x >= dx ? dx * 4 : 0), o - (x >= dx ? dx * 4 : 0) + 4),
            o,
          );
        }
      return data;
    });
    expect(
      mismatches({ frameCount: 3, loop: 'pingpong', frame: (i) => shifted[i]!, faces: [face] }),
    ).toBe(0);
  });
});
