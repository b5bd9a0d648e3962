import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoPortrait } from '../../lib/avatars/demo-portrait';
import { preparePortrait } from '../../lib/avatars/prepare-portrait';
import type { FaceGeometry } from '../../protocol/face-geometry';
import { eyeShapes, landmark, mouthShape } from '../../protocol/appearance/face-landmarks';

// The indices are checked against a real FaceMesh result (the demo portrait), so a wrong
// index shows up as anatomy in the wrong place.
const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-landmarks-'));
let face: FaceGeometry;
beforeAll(async () => {
  face = (await preparePortrait({ input: await loadDemoPortrait(), outDir: dir })).face;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('landmark shapes on a detected face', () => {
  it('puts the mouth parts in anatomical order', () => {
    const m = mouthShape(face);
    expect(m.leftCorner.x).toBeLessThan(m.rightCorner.x);
    expect(m.rightCorner.x - m.leftCorner.x).toBeGreaterThan(30);
    expect(m.upperLipTop.y).toBeLessThanOrEqual(m.innerUpper.y);
    expect(m.innerUpper.y).toBeLessThanOrEqual(m.innerLower.y);
    expect(m.innerLower.y).toBeLessThan(m.lowerLipBottom.y);
    expect(m.lowerLipBottom.y).toBeLessThan(m.chin.y);
    for (const p of [m.upperLipTop, m.lowerLipBottom, m.chin]) {
      expect(p.x).toBeGreaterThan(m.leftCorner.x);
      expect(p.x).toBeLessThan(m.rightCorner.x);
    }
  });

  it('finds two eyes side by side, above the mouth, each with its lid above its lower edge', () => {
    const [a, b] = eyeShapes(face);
    const mouth = mouthShape(face);
    expect(a.right.x).toBeLessThan(b.left.x);
    for (const eye of [a, b]) {
      expect(eye.left.x).toBeLessThan(eye.right.x);
      expect(eye.upper.y).toBeLessThan(eye.lower.y);
      expect(eye.lower.y).toBeLessThan(mouth.upperLipTop.y);
    }
  });

  it('reports a missing landmark clearly', () => {
    expect(() => landmark({ ...face, landmarks: [] }, 13)).toThrow(/lacks landmark 13/);
  });
});
