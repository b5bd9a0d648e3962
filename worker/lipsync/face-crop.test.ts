import { describe, expect, it } from 'vitest';
import { syntheticAvatar, syntheticImage } from '../testing/synthetic-avatar';
import { FaceCropper, faceCropBox } from './face-crop';
import { FacePaster } from './face-paste';

const S = 96;
const avatar = syntheticAvatar('/unused.png');
const face = avatar.face;
const frameSize = { widthPx: 512, heightPx: 512 };

/** A frame of one colour. */
function flatFrame(rgb: [number, number, number]) {
  const data = new Uint8Array(512 * 512 * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  return { data, widthPx: 512, heightPx: 512 };
}

describe('faceCropBox', () => {
  it('is a square around all landmarks with padding, inside the frame', () => {
    const box = faceCropBox(face, frameSize);
    for (const [x, y] of face.landmarks) {
      expect(x).toBeGreaterThanOrEqual(box.x);
      expect(y).toBeGreaterThanOrEqual(box.y);
      expect(x).toBeLessThan(box.x + box.sizePx);
      expect(y).toBeLessThan(box.y + box.sizePx);
    }
    expect(box.x + box.sizePx).toBeLessThanOrEqual(512);
    expect(box.y + box.sizePx).toBeLessThanOrEqual(512);
    // Padding below the chin (landmark 152 at y 438).
    expect(box.y + box.sizePx - 438).toBeGreaterThan(20);
  });

  it('shifts and shrinks to stay inside a small frame', () => {
    const box = faceCropBox(face, { widthPx: 300, heightPx: 400 });
    expect(box.sizePx).toBeLessThanOrEqual(300);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.sizePx).toBeLessThanOrEqual(300);
    expect(box.y + box.sizePx).toBeLessThanOrEqual(400);
  });
});

describe('FaceCropper', () => {
  const box = faceCropBox(face, frameSize);
  const frame = flatFrame([200, 100, 50]);
  const plane = S * S;

  it('writes /255 planes in BGR order for bgr and RGB for rgb, lower half of the target masked', () => {
    const bgr = new Float32Array(2 * 6 * plane).fill(7);
    new FaceCropper(box, S, 'bgr').fill(bgr, 1, frame);
    const at = (t: Float32Array, channel: number, row: number) =>
      t[6 * plane + channel * plane + row * S + S / 2]!;
    // Reference channels 3-5: B, G, R.
    expect(at(bgr, 3, 70)).toBeCloseTo(50 / 255, 6);
    expect(at(bgr, 4, 70)).toBeCloseTo(100 / 255, 6);
    expect(at(bgr, 5, 70)).toBeCloseTo(200 / 255, 6);
    // Target channels 0-2: upper half is the frame, lower half zero.
    expect(at(bgr, 0, 10)).toBeCloseTo(50 / 255, 6);
    expect(at(bgr, 0, S / 2 - 1)).toBeCloseTo(50 / 255, 6);
    expect(at(bgr, 0, S / 2)).toBe(0);
    expect(at(bgr, 2, S - 1)).toBe(0);
    // Slot 0 untouched.
    expect(bgr[0]).toBe(7);

    const rgb = new Float32Array(2 * 6 * plane);
    new FaceCropper(box, S, 'rgb').fill(rgb, 1, frame);
    expect(at(rgb, 3, 70)).toBeCloseTo(200 / 255, 6);
    expect(at(rgb, 5, 70)).toBeCloseTo(50 / 255, 6);
    expect(at(rgb, 0, 10)).toBeCloseTo(200 / 255, 6);
  });

  it('box-filters the crop: the mean of the crop equals the mean of the box', () => {
    const image = syntheticImage();
    const input = new Float32Array(6 * plane);
    new FaceCropper(box, S, 'rgb').fill(input, 0, image);
    let cropMean = 0;
    for (let i = 3 * plane; i < 4 * plane; i++) cropMean += input[i]!;
    cropMean /= plane;
    let boxMean = 0;
    for (let y = box.y; y < box.y + box.sizePx; y++) {
      for (let x = box.x; x < box.x + box.sizePx; x++) boxMean += image.data[(y * 512 + x) * 4]!;
    }
    boxMean /= box.sizePx * box.sizePx * 255;
    expect(Math.abs(cropMean - boxMean)).toBeLessThan(0.02);
  });
});

describe('FacePaster', () => {
  const box = faceCropBox(face, frameSize);

  it('changes pixels only inside the lower-face mask, and covers the mouth fully', () => {
    const paster = new FacePaster(box, S, 'bgr', face);
    const frame = flatFrame([120, 120, 120]);
    const out = new Float32Array(3 * S * S).fill(1); // white crop
    paster.paste(frame.data, 512, out, 0);
    const px = (x: number, y: number) => frame.data[(y * 512 + x) * 4]!;
    expect(px(256, 362)).toBe(255); // mouth centre: fully the model's output
    expect(px(256, 250)).toBe(120); // eyes level: untouched
    expect(px(120, 362)).toBe(120); // cheek beside the face: untouched
    let outsideChanged = 0;
    let alphaChanged = 0;
    let changedTotal = 0;
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 512; x++) {
        const changed = px(x, y) !== 120;
        const inBox = x >= box.x && x < box.x + box.sizePx && y >= box.y && y < box.y + box.sizePx;
        const a = inBox ? paster.mask[(y - box.y) * box.sizePx + (x - box.x)]! : 0;
        if (changed) changedTotal++;
        if (changed && a === 0) outsideChanged++;
        if (frame.data[(y * 512 + x) * 4 + 3] !== 255) alphaChanged++;
      }
    }
    expect(outsideChanged).toBe(0);
    expect(alphaChanged).toBe(0);
    // Mouth, jaw and chin: a region of thousands of pixels, not a sliver.
    expect(changedTotal).toBeGreaterThan(8000);
  });

  it('has no seam: the largest step between neighbours stays a fraction of the colour jump', () => {
    const paster = new FacePaster(box, S, 'rgb', face);
    const frame = flatFrame([40, 40, 40]);
    const out = new Float32Array(3 * S * S).fill(1);
    paster.paste(frame.data, 512, out, 0);
    const jump = 255 - 40;
    let maxStep = 0;
    for (let y = 1; y < 512; y++) {
      for (let x = 1; x < 512; x++) {
        const v = frame.data[(y * 512 + x) * 4]!;
        maxStep = Math.max(
          maxStep,
          Math.abs(v - frame.data[(y * 512 + x - 1) * 4]!),
          Math.abs(v - frame.data[((y - 1) * 512 + x) * 4]!),
        );
      }
    }
    // A hard-edged paste steps by the full jump in one pixel.
    expect(maxStep).toBeLessThan(jump / 8);
  });

  it('pastes the output in the configured channel order', () => {
    const out = new Float32Array(3 * S * S);
    out.fill(1, 0, S * S); // channel 0 only
    const bgrFrame = flatFrame([0, 0, 0]);
    new FacePaster(box, S, 'bgr', face).paste(bgrFrame.data, 512, out, 0);
    const o = (362 * 512 + 256) * 4;
    expect([...bgrFrame.data.subarray(o, o + 3)]).toEqual([0, 0, 255]);
    const rgbFrame = flatFrame([0, 0, 0]);
    new FacePaster(box, S, 'rgb', face).paste(rgbFrame.data, 512, out, 0);
    expect([...rgbFrame.data.subarray(o, o + 3)]).toEqual([255, 0, 0]);
  });
});
