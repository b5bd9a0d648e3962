import { describe, expect, it } from 'vitest';
import { NEUTRAL_POSE, clampPose, lerpPose, pose, poseDistance } from './mouth-pose';

describe('mouth pose', () => {
  const open = pose({ jawOpen: 1, lipClosure: 0, lipWidth: 0.5 });

  it('fills missing controls from the neutral pose, which is a closed mouth', () => {
    expect(NEUTRAL_POSE).toEqual({
      jawOpen: 0,
      lipWidth: 0,
      lipRound: 0,
      lipClosure: 1,
      lowerLipTuck: 0,
    });
    expect(pose({ lipRound: 0.7 })).toEqual({ ...NEUTRAL_POSE, lipRound: 0.7 });
  });

  it('blends linearly and clamps the blend factor', () => {
    expect(lerpPose(NEUTRAL_POSE, open, 0)).toEqual(NEUTRAL_POSE);
    expect(lerpPose(NEUTRAL_POSE, open, 1)).toEqual(open);
    const half = lerpPose(NEUTRAL_POSE, open, 0.5);
    expect(half.jawOpen).toBeCloseTo(0.5);
    expect(half.lipClosure).toBeCloseTo(0.5);
    expect(half.lipWidth).toBeCloseTo(0.25);
    expect(lerpPose(NEUTRAL_POSE, open, 7)).toEqual(open);
    expect(lerpPose(NEUTRAL_POSE, open, -1)).toEqual(NEUTRAL_POSE);
  });

  it('clamps every control to 0..1', () => {
    expect(
      clampPose({
        jawOpen: 1.4,
        lipWidth: -0.2,
        lipRound: Number.NaN,
        lipClosure: 0.3,
        lowerLipTuck: 2,
      }),
    ).toEqual({ jawOpen: 1, lipWidth: 0, lipRound: 0, lipClosure: 0.3, lowerLipTuck: 1 });
  });

  it('measures the largest control difference', () => {
    expect(poseDistance(NEUTRAL_POSE, NEUTRAL_POSE)).toBe(0);
    expect(poseDistance(NEUTRAL_POSE, open)).toBe(1);
    expect(poseDistance(pose({ lipRound: 0.2 }), pose({ lipRound: 0.5 }))).toBeCloseTo(0.3);
  });
});
