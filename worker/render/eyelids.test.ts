import { describe, expect, it } from 'vitest';
import { syntheticAvatar, syntheticImage } from '../testing/synthetic-avatar';
import { Eyelid } from './eyelids';
import { eyeShapes } from '../../protocol/appearance/face-landmarks';

describe('Eyelid', () => {
  const image = syntheticImage();
  const [rightEye] = eyeShapes(syntheticAvatar('/x').face);
  const lid = new Eyelid(image, rightEye);

  const whiteOfEye = (data: Uint8Array) => {
    let white = 0;
    for (let y = 240; y < 260; y++) {
      for (let x = 182; x < 229; x++) {
        const o = (y * 512 + x) * 4;
        if (data[o]! > 230 && data[o + 1]! > 230 && data[o + 2]! > 225) white++;
      }
    }
    return white;
  };

  it('covers more of the eye as it closes', () => {
    const open = whiteOfEye(image.data);
    const half = Uint8Array.from(image.data);
    lid.apply(half, 0.5);
    const closed = Uint8Array.from(image.data);
    lid.apply(closed, 1);
    expect(open).toBeGreaterThan(300);
    expect(whiteOfEye(half)).toBeLessThan(open * 0.75);
    expect(whiteOfEye(closed)).toBe(0);
  });

  it('draws nothing when the eye is open', () => {
    const out = Uint8Array.from(image.data);
    lid.apply(out, 0);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(image.data))).toBe(0);
  });
});
