import { describe, expect, it } from 'vitest';
import { fillTrackGaps, smoothLandmarkTrack, trackJitterPx, type Point } from './smooth-landmarks';

/** A deterministic pseudo-random generator (mulberry32), so the test always sees one track. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three points drifting on a slow sine (a head swaying), per frame. */
function trueTrack(frames: number): Point[][] {
  return Array.from({ length: frames }, (_, f) => {
    const dx = 6 * Math.sin((2 * Math.PI * f) / 75);
    const dy = 3 * Math.sin((2 * Math.PI * f) / 110);
    return [
      [100 + dx, 100 + dy],
      [150 + dx, 102 + dy],
      [125 + dx, 160 + dy],
    ];
  });
}

const meanError = (a: Point[][], b: Point[][]) => {
  let sum = 0;
  let count = 0;
  a.forEach((points, f) =>
    points.forEach(([x, y], i) => {
      const [bx, by] = b[f]?.[i] as Point;
      sum += Math.hypot(x - bx, y - by);
      count++;
    }),
  );
  return sum / count;
};

describe('smoothLandmarkTrack', () => {
  it('removes most of the detection jitter and brings the track closer to the truth', () => {
    const random = seeded(7);
    const truth = trueTrack(250);
    const noisy = truth.map((points) =>
      points.map(([x, y]): Point => [x + (random() - 0.5) * 3, y + (random() - 0.5) * 3]),
    );
    const smoothed = smoothLandmarkTrack(noisy);
    expect(trackJitterPx(smoothed)).toBeLessThan(trackJitterPx(noisy) * 0.25);
    expect(meanError(smoothed, truth)).toBeLessThan(meanError(noisy, truth) * 0.6);
  });

  it('is zero-phase: steady motion is not delayed, and the clip ends are not pulled away', () => {
    // A constant-speed move of 2 px per frame: a causal filter would lag it by several px.
    const ramp: Point[][] = Array.from({ length: 60 }, (_, f) => [[10 + 2 * f, 50]]);
    const smoothed = smoothLandmarkTrack(ramp);
    for (let f = 5; f < 55; f++) {
      expect(smoothed[f]?.[0]?.[0]).toBeCloseTo(10 + 2 * f, 6);
    }
    // A still track stays exactly where it is, ends included.
    const still: Point[][] = Array.from({ length: 10 }, () => [[42, 17]]);
    for (const [[x, y] = [0, 0]] of smoothLandmarkTrack(still)) {
      expect(x).toBeCloseTo(42, 9);
      expect(y).toBeCloseTo(17, 9);
    }
  });

  it('refuses frames with different numbers of points', () => {
    expect(() =>
      smoothLandmarkTrack([
        [[0, 0]],
        [
          [0, 0],
          [1, 1],
        ],
      ]),
    ).toThrow(/same number/);
  });
});

describe('fillTrackGaps', () => {
  it('interpolates missing frames linearly and holds the ends', () => {
    const filled = fillTrackGaps([null, [[0, 0]], null, null, [[3, 6]], null]);
    expect(filled).toEqual([[[0, 0]], [[0, 0]], [[1, 2]], [[2, 4]], [[3, 6]], [[3, 6]]]);
  });

  it('throws when no frame has landmarks', () => {
    expect(() => fillTrackGaps([null, null])).toThrow(/no frame/);
  });
});
