import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoPortrait } from '../../lib/avatars/demo-portrait';
import { preparePortrait } from '../../lib/avatars/prepare-portrait';
import type { FaceGeometry } from '../../protocol/face-geometry';
import { syntheticAvatar, syntheticImage } from '../testing/synthetic-avatar';
import { createFliteTts } from '../tts/flite-tts';
import { mouthTrack } from '../visemes/mouth-driver';
import { NEUTRAL_POSE, pose, type MouthPose } from '../visemes/mouth-pose';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { RING, RING_SIZE } from '../../protocol/appearance/face-mesh';
import { FaceRenderer, type OutputFormat } from './face-renderer';
import { rgbaToI420 } from './i420';
import { IdleMotion } from './idle-motion';
import { eyeShapes } from '../../protocol/appearance/face-landmarks';
import { loadRgbaImage } from './rgba-image';
import { type RgbaImage } from '../../protocol/appearance/rgba-image';

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function stillRenderer(image: RgbaImage, face: FaceGeometry, format: OutputFormat = 'rgba') {
  return new FaceRenderer({
    frames: { frameCount: 1, loop: 'pingpong', frame: () => image.data, faces: [face] },
    widthPx: image.widthPx,
    heightPx: image.heightPx,
    appearance: measureAppearance(image, face),
    format,
  });
}

function render(r: FaceRenderer, p: MouthPose, timeMs = 0, eyesClosed = 0): Uint8Array {
  const out = new Uint8Array(r.frameBytes);
  r.render(out, { tick: Math.round(timeMs / 40), timeMs, pose: p, eyesClosed });
  return out;
}

const luma = (d: Uint8Array, o: number) => 0.299 * d[o]! + 0.587 * d[o + 1]! + 0.114 * d[o + 2]!;
const inside = (b: Box, x: number, y: number) => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;

/** The lower-face mesh (its fixed anchor ring) and the eyes, with a margin for head sway. */
function faceRegions(image: RgbaImage, face: FaceGeometry): Box[] {
  const { vertices } = measureAppearance(image, face).mesh;
  const anchors = vertices.slice(RING.anchor * RING_SIZE);
  const margin = 4;
  const boxes: Box[] = [
    {
      x0: Math.min(...anchors.map((p) => p[0])) - margin,
      x1: Math.max(...anchors.map((p) => p[0])) + margin,
      y0: Math.min(...anchors.map((p) => p[1])) - margin,
      y1: Math.max(...anchors.map((p) => p[1])) + margin,
    },
  ];
  for (const eye of eyeShapes(face)) {
    boxes.push({
      x0: eye.left.x - margin,
      x1: eye.right.x + margin,
      y0: eye.upper.y - 12,
      y1: eye.lower.y + 8,
    });
  }
  return boxes;
}

/** Mean gradient magnitude (luma, central differences) over the given pixels. */
function meanGradient(d: Uint8Array, widthPx: number, pixels: Array<[number, number]>): number {
  let sum = 0;
  for (const [x, y] of pixels) {
    const gx = luma(d, (y * widthPx + x + 1) * 4) - luma(d, (y * widthPx + x - 1) * 4);
    const gy = luma(d, ((y + 1) * widthPx + x) * 4) - luma(d, ((y - 1) * widthPx + x) * 4);
    sum += Math.hypot(gx, gy);
  }
  return sum / pixels.length;
}

describe('FaceRenderer on the demo portrait while speaking', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-face-renderer-'));
  let image: RgbaImage;
  let face: FaceGeometry;
  let poses: MouthPose[];
  beforeAll(async () => {
    const prepared = await preparePortrait({ input: await loadDemoPortrait(), outDir: dir });
    image = await loadRgbaImage(prepared.framePath, prepared);
    face = prepared.face;
    const speech = createFliteTts().synthesize('Hello there, my name is Facecast. Bob, move it.');
    poses = mouthTrack(speech, { fps: 25 }).poses;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('moves the background nowhere and changes only mouth and eyes beyond the idle layer', () => {
    const r = stillRenderer(image, face);
    const idle = new IdleMotion(image.widthPx, image.heightPx, face);
    const regions = faceRegions(image, face);
    const w = image.widthPx;
    let changedOutside = 0;
    let mouthChanged = 0;
    let backgroundMax = 0;
    for (let f = 0; f < poses.length; f += 3) {
      const timeMs = f * 40;
      const eyes = f % 12 === 0 ? 1 : 0;
      const speaking = render(r, poses[f]!, timeMs, eyes);
      const idleOnly = render(r, NEUTRAL_POSE, timeMs, 0);
      for (let y = 1; y < image.heightPx - 1; y++) {
        for (let x = 1; x < w - 1; x++) {
          const o = (y * w + x) * 4;
          if (!idle.movesAt(x, y)) {
            for (let c = 0; c < 3; c++)
              backgroundMax = Math.max(
                backgroundMax,
                Math.abs(speaking[o + c]! - image.data[o + c]!),
              );
          }
          const diff = Math.abs(luma(speaking, o) - luma(idleOnly, o));
          if (regions.some((b) => inside(b, x, y))) {
            if (inside(regions[0]!, x, y) && diff > 8) mouthChanged++;
          } else if (diff > 2) {
            changedOutside++;
          }
        }
      }
    }
    expect(backgroundMax).toBeLessThanOrEqual(1);
    // The eyes close in a blink.
    const eye = regions[1]!;
    const open = render(r, NEUTRAL_POSE, 0, 0);
    const closed = render(r, NEUTRAL_POSE, 0, 1);
    let eyeChanged = 0;
    for (let y = Math.ceil(eye.y0); y <= eye.y1; y++)
      for (let x = Math.ceil(eye.x0); x <= eye.x1; x++) {
        const o = (y * w + x) * 4;
        if (Math.abs(luma(open, o) - luma(closed, o)) > 20) eyeChanged++;
      }
    expect(eyeChanged).toBeGreaterThan(50);
    expect(changedOutside).toBe(0);
    // And the mouth really did move while speaking.
    expect(mouthChanged).toBeGreaterThan(500);
  });

  it('shows no seam where the warp meets the untouched frame', () => {
    const r = stillRenderer(image, face);
    const { vertices } = measureAppearance(image, face).mesh;
    const ring = vertices.slice(RING.anchor * RING_SIZE);
    // Pixels on the anchor ring's outline: the boundary of the warped region.
    const boundary: Array<[number, number]> = [];
    for (let k = 0; k < RING_SIZE; k++) {
      const [ax, ay] = ring[k]!;
      const [bx, by] = ring[(k + 1) % RING_SIZE]!;
      for (let t = 0; t < 1; t += 0.1) {
        boundary.push([Math.round(ax + (bx - ax) * t), Math.round(ay + (by - ay) * t)]);
      }
    }
    const source = meanGradient(image.data, image.widthPx, boundary);
    for (const p of [pose({ jawOpen: 1, lipClosure: 0 }), pose({ lipWidth: 1, jawOpen: 0.4 })]) {
      const out = render(r, p, 1234);
      expect(meanGradient(out, image.widthPx, boundary)).toBeLessThan(source * 1.25 + 1);
    }
  });

  it('opens the mouth further the more the jaw opens', () => {
    const r = stillRenderer(image, face);
    const counts = [0, 0.25, 0.5, 0.75, 1].map((jawOpen) => {
      render(r, pose({ jawOpen, lipClosure: 0 }));
      return r.cavityPixels;
    });
    expect(counts[0]).toBeLessThan(counts[1]!);
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThan(counts[i - 1]!);
    // A fully open mouth shows a real opening: at least a few hundred px at this size.
    expect(counts[4]).toBeGreaterThan(400);
  });

  it('shows no cavity while the lips are closed, however far the jaw drops', () => {
    const r = stillRenderer(image, face);
    const mouth = faceRegions(image, face)[0]!;
    let darkest = 255;
    for (let y = mouth.y0; y <= mouth.y1; y++)
      for (let x = mouth.x0; x <= mouth.x1; x++)
        darkest = Math.min(darkest, luma(image.data, (y * image.widthPx + x) * 4));
    for (const jawOpen of [0, 0.5, 1]) {
      const out = render(r, pose({ jawOpen, lipClosure: 1 }));
      expect(r.cavityPixels).toBe(0);
      let darker = 0;
      for (let y = mouth.y0; y <= mouth.y1; y++)
        for (let x = mouth.x0; x <= mouth.x1; x++)
          if (luma(out, (y * image.widthPx + x) * 4) < darkest - 4) darker++;
      expect(darker).toBe(0);
    }
  });

  it('writes I420 that matches an independent BT.601 conversion of the RGBA frame', () => {
    const rgba = render(
      stillRenderer(image, face, 'rgba'),
      pose({ jawOpen: 0.7, lipClosure: 0 }),
      500,
    );
    const i420 = render(
      stillRenderer(image, face, 'i420'),
      pose({ jawOpen: 0.7, lipClosure: 0 }),
      500,
    );
    const w = image.widthPx;
    const h = image.heightPx;
    expect(i420.length).toBe(w * h * 1.5);
    let maxY = 0;
    let maxC = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 4;
        const Y = 16 + (65.481 * rgba[o]! + 128.553 * rgba[o + 1]! + 24.966 * rgba[o + 2]!) / 255;
        maxY = Math.max(maxY, Math.abs(i420[y * w + x]! - Y));
      }
    }
    for (let cy = 0; cy < h / 2; cy++) {
      for (let cx = 0; cx < w / 2; cx++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          const o = ((cy * 2 + dy) * w + cx * 2 + dx) * 4;
          r += rgba[o]! / 4;
          g += rgba[o + 1]! / 4;
          b += rgba[o + 2]! / 4;
        }
        const U = 128 + (-37.797 * r - 74.203 * g + 112 * b) / 255;
        const V = 128 + (112 * r - 93.786 * g - 18.214 * b) / 255;
        const c = cy * (w / 2) + cx;
        maxC = Math.max(
          maxC,
          Math.abs(i420[w * h + c]! - U),
          Math.abs(i420[w * h * 1.25 + c]! - V),
        );
      }
    }
    expect(maxY).toBeLessThanOrEqual(1.5);
    expect(maxC).toBeLessThanOrEqual(1.5);
  });

  it('allocates nothing per pixel once warm', () => {
    const r = stillRenderer(image, face, 'i420');
    const out = new Uint8Array(r.frameBytes);
    const input = { tick: 0, timeMs: 0, pose: { ...NEUTRAL_POSE }, eyesClosed: 0 };
    const step = (f: number) => {
      const p = poses[f % poses.length]!;
      input.tick = f;
      input.timeMs = f * 40;
      Object.assign(input.pose, p);
      input.eyesClosed = f % 50 < 3 ? 1 : 0;
      r.render(out, input);
    };
    // Per-pixel work passes ints and typed arrays, never doubles as call arguments (V8 boxes
    // those whenever it does not inline a call): one boxed number per mouth or warped pixel
    // was 5-10 MB per 200 frames. A few numbers per mesh vertex may remain (~0.6 KB a frame).
    // V8 settles its optimised code after a few hundred frames, later on a busy machine, so:
    // windows of 200 frames, one must stay under 2 KB a frame (a GC in a window shows as a
    // large drop, and that window does not count).
    for (let f = 0; f < 300; f++) step(f);
    const limit = 200 * 2 * 1024;
    const windows: number[] = [];
    for (let w = 0; w < 6; w++) {
      const before = process.memoryUsage();
      for (let f = 0; f < 200; f++) step(300 + w * 200 + f);
      const after = process.memoryUsage();
      expect(after.arrayBuffers - before.arrayBuffers).toBe(0);
      windows.push(after.heapUsed - before.heapUsed);
      if (Math.abs(windows.at(-1)!) < limit) break;
    }
    expect(Math.abs(windows.at(-1)!), `heap change per window: ${windows.join(', ')}`).toBeLessThan(
      limit,
    );
  });

  it('keeps its I420 frame equal to a whole conversion of the RGBA frame, frame after frame', () => {
    // Only changed boxes are converted again (mouth, eyes, the idle warp's box when the sway
    // is redrawn); any pixel left stale would differ from a fresh conversion of the frame.
    const rgbaRenderer = stillRenderer(image, face, 'rgba');
    const i420Renderer = stillRenderer(image, face, 'i420');
    const rgba = new Uint8Array(rgbaRenderer.frameBytes);
    const i420 = new Uint8Array(i420Renderer.frameBytes);
    const fresh = new Uint8Array(i420Renderer.frameBytes);
    let mismatched = 0;
    // One input object, as a session reuses it (the same shape keeps the renderer's code fast
    // for the allocation test).
    const input = { tick: 0, timeMs: 0, pose: { ...NEUTRAL_POSE }, eyesClosed: 0 };
    for (let f = 0; f < 150; f++) {
      input.tick = f;
      input.timeMs = f * 40;
      // Speech, then silence (repeated frames), with a blink in each.
      Object.assign(input.pose, f < 100 ? poses[f % poses.length]! : NEUTRAL_POSE);
      input.eyesClosed = f % 60 < 4 ? 1 : 0;
      rgbaRenderer.render(rgba, input);
      i420Renderer.render(i420, input);
      rgbaToI420(new Uint32Array(rgba.buffer), image.widthPx, image.heightPx, fresh);
      if (!i420.every((v, i) => v === fresh[i])) mismatched++;
    }
    expect(mismatched).toBe(0);
  });
});

describe('FaceRenderer on a face whose mouth is open at rest', () => {
  // The synthetic face with a 16 px gap between the lips, upper teeth and a dark mouth in it.
  const image = syntheticImage();
  const base = syntheticAvatar('unused.png').face;
  const landmarks = base.landmarks.map((p): [number, number] => [p[0], p[1]]);
  landmarks[13] = [256, 356];
  landmarks[14] = [256, 372];
  const face = { ...base, landmarks };
  for (let y = 356; y <= 372; y++)
    for (let x = 222; x <= 290; x++)
      image.data.set(y < 362 ? [235, 230, 220] : [40, 12, 14], (y * image.widthPx + x) * 4);
  const gap = { x0: 236, x1: 276, y0: 358, y1: 370 };
  const darkIn = (out: Uint8Array) => {
    let n = 0;
    for (let y = gap.y0; y <= gap.y1; y++)
      for (let x = gap.x0; x <= gap.x1; x++) if (luma(out, (y * image.widthPx + x) * 4) < 80) n++;
    return n;
  };

  it('keeps its own teeth at the rest opening, closes it for closed lips, synthesises only beyond', () => {
    const r = stillRenderer(image, face);
    expect(measureAppearance(image, face).teeth).not.toBeNull();
    // Lips apart at about the rest opening: the photo's own mouth, nothing synthesised.
    const rest = render(r, pose({ lipClosure: 0, jawOpen: 0 }));
    expect(darkIn(rest)).toBeGreaterThan(100);
    const restCavity = r.cavityPixels;
    // Closed lips (silence, p/b/m): the gap closes, its dark inside disappears.
    render(r, NEUTRAL_POSE);
    expect(darkIn(render(r, NEUTRAL_POSE))).toBeLessThan(darkIn(rest) / 5);
    expect(r.cavityPixels).toBe(0);
    // Wide open: a new opening beyond the rest one is synthesised.
    render(r, pose({ lipClosure: 0, jawOpen: 1 }));
    expect(r.cavityPixels).toBeGreaterThan(restCavity + 200);
  });
});
