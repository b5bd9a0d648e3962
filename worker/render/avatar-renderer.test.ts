import { describe, expect, it } from 'vitest';
import { syntheticAvatar, syntheticImage, SYNTHETIC_FACE } from '../testing/synthetic-avatar';
import { AvatarRenderer } from './avatar-renderer';

function setup() {
  const image = syntheticImage();
  const renderer = new AvatarRenderer(image, syntheticAvatar('/unused.png').face);
  return { image, renderer, frame: new Uint8Array(renderer.frameBytes) };
}

/** Mean absolute difference over RGB of two frames inside a box. */
function diff(
  a: Uint8Array,
  b: Uint8Array,
  widthPx: number,
  box: { x0: number; y0: number; x1: number; y1: number },
) {
  let sum = 0;
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const o = (y * widthPx + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs(a[o + c]! - b[o + c]!);
      n += 3;
    }
  }
  return sum / n;
}

const MOUTH_BOX = { x0: 225, x1: 287, y0: 360, y1: 385 };
const RIGHT_EYE_BOX = { x0: 185, x1: 226, y0: 242, y1: 258 };

describe('AvatarRenderer', () => {
  it('renders the portrait itself when idle', () => {
    const { image, renderer, frame } = setup();
    renderer.render(frame, { mouthOpen: 0, eyesClosed: 0 });
    expect(Buffer.compare(Buffer.from(frame), Buffer.from(image.data))).toBe(0);
  });

  it('opens the mouth more as openness grows, darkening the gap', () => {
    const { image, renderer, frame } = setup();
    const diffs = [0.25, 0.5, 1].map((mouthOpen) => {
      renderer.render(frame, { mouthOpen, eyesClosed: 0 });
      return diff(frame, image.data, 512, MOUTH_BOX);
    });
    expect(diffs[0]).toBeGreaterThan(3);
    expect(diffs[1]).toBeGreaterThan(diffs[0]!);
    expect(diffs[2]).toBeGreaterThan(diffs[1]!);
    // Just below the lip line, mid-mouth, is now cavity: much darker than the lip was.
    renderer.render(frame, { mouthOpen: 1, eyesClosed: 0 });
    const o = (SYNTHETIC_FACE.mouth.innerLower[1] + 8) * 512 * 4 + 256 * 4;
    expect(frame[o]! + frame[o + 1]! + frame[o + 2]!).toBeLessThan(
      (image.data[o]! + image.data[o + 1]! + image.data[o + 2]!) / 2,
    );
  });

  it('leaves pixels far from the mouth and eyes unchanged', () => {
    const { image, renderer, frame } = setup();
    renderer.render(frame, { mouthOpen: 1, eyesClosed: 1 });
    const changed: Array<[number, number]> = [];
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 512; x++) {
        const o = (y * 512 + x) * 4;
        if (
          frame[o] !== image.data[o] ||
          frame[o + 1] !== image.data[o + 1] ||
          frame[o + 2] !== image.data[o + 2] ||
          frame[o + 3] !== image.data[o + 3]
        ) {
          changed.push([x, y]);
        }
      }
    }
    expect(changed.length).toBeGreaterThan(0);
    const nearEye = (x: number, y: number) => x >= 175 && x <= 337 && y >= 225 && y <= 265;
    const nearMouth = (x: number, y: number) => x >= 205 && x <= 307 && y >= 340 && y <= 512;
    expect(changed.filter(([x, y]) => !nearEye(x, y) && !nearMouth(x, y))).toEqual([]);
  });

  it('closes the eyes with skin-coloured lids when blinking', () => {
    const { image, renderer, frame } = setup();
    renderer.render(frame, { mouthOpen: 0, eyesClosed: 1 });
    expect(diff(frame, image.data, 512, RIGHT_EYE_BOX)).toBeGreaterThan(20);
    // The pupil centre is covered by something close to the skin tone (224,172,140 ± texture).
    const o = (250 * 512 + 205) * 4;
    expect(frame[o]!).toBeGreaterThan(150);
    expect(frame[o]! - frame[o + 2]!).toBeGreaterThan(40);
    // The mouth is untouched by a blink.
    expect(diff(frame, image.data, 512, MOUTH_BOX)).toBe(0);
  });

  it('renders a frame in well under 10 ms', () => {
    const { renderer, frame } = setup();
    for (let i = 0; i < 20; i++) renderer.render(frame, { mouthOpen: 0.7, eyesClosed: 0.5 });
    const started = performance.now();
    const n = 100;
    for (let i = 0; i < n; i++)
      renderer.render(frame, { mouthOpen: (i % 10) / 10, eyesClosed: (i % 5) / 5 });
    expect((performance.now() - started) / n).toBeLessThan(10);
  });

  it('rejects an output buffer of the wrong size', () => {
    const { renderer } = setup();
    expect(() => renderer.render(new Uint8Array(10), { mouthOpen: 0, eyesClosed: 0 })).toThrow(
      /wrong size/,
    );
  });
});
