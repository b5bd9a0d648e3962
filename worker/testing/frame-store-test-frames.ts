/** Synthetic frames for frame store tests: every frame and every byte position differs. */
import { syntheticAvatar } from './synthetic-avatar';
import type { FaceGeometry } from '../../protocol/face-geometry';

export function testFrame(index: number, widthPx: number, heightPx: number): Uint8Array {
  const frame = new Uint8Array(widthPx * heightPx * 4);
  for (let j = 0; j < frame.length; j++) frame[j] = (index * 37 + j * 7 + (j >> 8)) & 0xff;
  return frame;
}

export function testFrames(count: number, widthPx: number, heightPx: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => testFrame(i, widthPx, heightPx));
}

export function testFace(): FaceGeometry {
  return syntheticAvatar('unused.png').face;
}
