import { describe, expect, it } from 'vitest';
import { syntheticAvatar, syntheticImage } from '../testing/synthetic-avatar';
import { mouthShape } from './landmarks';
import { MouthWarp } from './mouth-warp';

describe('MouthWarp', () => {
  const image = syntheticImage();
  const warp = new MouthWarp(image, mouthShape(syntheticAvatar('/x').face));

  it('opens by about a fifth of the mouth width at most', () => {
    expect(warp.maxOpenPx).toBeCloseTo(90 * 0.22, 1);
  });

  it('changes only pixels inside its bounds, and none when closed', () => {
    const out = Uint8Array.from(image.data);
    warp.apply(out, 0);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(image.data))).toBe(0);
    warp.apply(out, 1);
    const b = warp.bounds;
    let inside = 0;
    for (let i = 0; i < out.length; i += 4) {
      if (
        out[i] === image.data[i] &&
        out[i + 1] === image.data[i + 1] &&
        out[i + 2] === image.data[i + 2]
      )
        continue;
      const x = (i / 4) % 512;
      const y = Math.floor(i / 4 / 512);
      expect(x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1).toBe(true);
      inside++;
    }
    expect(inside).toBeGreaterThan(500);
  });

  it('moves the chin down by the opening', () => {
    const out = Uint8Array.from(image.data);
    warp.apply(out, 1);
    // Column through the mouth centre: the lower lip's bottom edge (lip → skin) moves down.
    const edge = (data: Uint8Array) => {
      for (let y = 370; y < 420; y++) {
        const o = (y * 512 + 256) * 4;
        if (data[o + 1]! > 130) return y; // skin is greener than lip
      }
      return -1;
    };
    expect(edge(out) - edge(image.data)).toBeGreaterThanOrEqual(Math.floor(warp.maxOpenPx) - 2);
  });
});
