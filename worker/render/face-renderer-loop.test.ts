import { describe, expect, it } from 'vitest';
import type { FaceGeometry } from '../../protocol/face-geometry';
import { syntheticAvatar, syntheticImage } from '../testing/synthetic-avatar';
import { NEUTRAL_POSE, pose } from '../visemes/mouth-pose';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { FaceRenderer, loopFrameIndex } from './face-renderer';

const luma = (d: Uint8Array, o: number) => 0.299 * d[o]! + 0.587 * d[o + 1]! + 0.114 * d[o + 2]!;

describe('FaceRenderer on a video loop', () => {
  const SHIFTS = [0, 3, 6, 9, 12];
  const base = syntheticImage();
  const baseFace = syntheticAvatar('unused.png').face;
  /** Frame k: the synthetic face moved right by SHIFTS[k] px, its landmarks with it. */
  const frames = SHIFTS.map((dx) => {
    const data = new Uint8Array(base.data.length);
    const w = base.widthPx;
    for (let y = 0; y < base.heightPx; y++)
      for (let x = 0; x < w; x++) {
        const sx = Math.max(0, x - dx);
        data.set(base.data.subarray((y * w + sx) * 4, (y * w + sx) * 4 + 4), (y * w + x) * 4);
      }
    return data;
  });
  const faces = SHIFTS.map((dx): FaceGeometry => ({
    box: { ...baseFace.box, x: baseFace.box.x + dx },
    landmarks: baseFace.landmarks.map((p): [number, number] => [p[0] + dx, p[1]]),
  }));
  const renderer = () =>
    new FaceRenderer({
      frames: { frameCount: frames.length, loop: 'pingpong', frame: (i) => frames[i]!, faces },
      widthPx: base.widthPx,
      heightPx: base.heightPx,
      appearance: measureAppearance({ ...base, data: frames[0]! }, faces[0]!),
      format: 'rgba',
    });

  it('plays the loop back and forth', () => {
    const order = Array.from({ length: 10 }, (_, t) => loopFrameIndex(t, 5, 'pingpong'));
    expect(order).toEqual([0, 1, 2, 3, 4, 3, 2, 1, 0, 1]);
    expect(Array.from({ length: 7 }, (_, t) => loopFrameIndex(t, 3, 'forward'))).toEqual([
      0, 1, 2, 0, 1, 2, 0,
    ]);
    expect(loopFrameIndex(99, 1, 'pingpong')).toBe(0);
  });

  it('shows the loop frame for each tick and opens the mouth where that frame has it', () => {
    const r = renderer();
    for (let tick = 0; tick < 10; tick++) {
      const index = loopFrameIndex(tick, frames.length, 'pingpong');
      const out = new Uint8Array(r.frameBytes);
      r.render(out, { tick, timeMs: tick * 40, pose: NEUTRAL_POSE, eyesClosed: 0 });
      // A video moves by itself: no synthetic sway, the neutral pose is the frame itself.
      let maxDiff = 0;
      for (let i = 0; i < out.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(out[i]! - frames[index]![i]!));
      expect(maxDiff).toBeLessThanOrEqual(1);

      r.render(out, {
        tick,
        timeMs: tick * 40,
        pose: pose({ jawOpen: 1, lipClosure: 0 }),
        eyesClosed: 0,
      });
      let sumX = 0;
      let count = 0;
      for (let y = 340; y < 420; y++)
        for (let x = 180; x < 340; x++) {
          const o = (y * base.widthPx + x) * 4;
          if (luma(out, o) < 60 && luma(frames[index]!, o) > 60) {
            sumX += x;
            count++;
          }
        }
      expect(count).toBeGreaterThan(200);
      // The opening is centred on this frame's mouth (x = 256 + shift).
      expect(Math.abs(sumX / count - (256 + SHIFTS[index]!))).toBeLessThan(2.5);
    }
  });

  it('refuses a faces list that matches neither one face nor one per frame', () => {
    expect(
      () =>
        new FaceRenderer({
          frames: {
            frameCount: 5,
            loop: 'pingpong',
            frame: (i) => frames[i]!,
            faces: faces.slice(0, 2),
          },
          widthPx: base.widthPx,
          heightPx: base.heightPx,
          appearance: measureAppearance(base, baseFace),
          format: 'rgba',
        }),
    ).toThrow(/faces has 2 entries for 5 frames/);
  });
});
