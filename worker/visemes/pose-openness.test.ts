import { describe, expect, it } from 'vitest';
import { NEUTRAL_POSE, pose } from './mouth-pose';
import { VISEME_POSES } from './phone-visemes';
import { opennessFromPose, opennessTrack } from './pose-openness';

describe('openness from pose', () => {
  it('is zero with the lips closed and grows with the jaw', () => {
    expect(opennessFromPose(NEUTRAL_POSE)).toBe(0);
    expect(opennessFromPose(VISEME_POSES.PP)).toBe(0);
    expect(opennessFromPose(pose({ jawOpen: 1, lipClosure: 1 }))).toBe(0);
    expect(opennessFromPose(pose({ jawOpen: 1, lipClosure: 0 }))).toBe(1);
    const half = opennessFromPose(pose({ jawOpen: 0.5, lipClosure: 0 }));
    expect(half).toBeGreaterThan(opennessFromPose(pose({ jawOpen: 0.2, lipClosure: 0 })));
    expect(half).toBeLessThan(1);
  });

  it('ranks visemes as a viewer would: aa > eh > iy, and f/v and rounded lips show less', () => {
    const open = (v: keyof typeof VISEME_POSES) => opennessFromPose(VISEME_POSES[v]);
    expect(open('AA')).toBeGreaterThan(open('EH'));
    expect(open('EH')).toBeGreaterThan(open('IY'));
    expect(open('FF')).toBeLessThan(open('SS'));
    expect(open('UW')).toBeLessThan(open('IY'));
  });

  it('stays within 0..1 for out-of-range input and converts a track', () => {
    expect(opennessFromPose({ ...NEUTRAL_POSE, jawOpen: 3, lipClosure: -1 })).toBe(1);
    const track = opennessTrack([NEUTRAL_POSE, VISEME_POSES.AA]);
    expect(track).toBeInstanceOf(Float32Array);
    expect(track.length).toBe(2);
    expect(track[0]).toBe(0);
    expect(track[1]).toBeGreaterThan(0.8);
  });
});
