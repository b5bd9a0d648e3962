import { describe, expect, it } from 'vitest';
import { createFliteTts } from '../tts/flite-tts';
import { NEUTRAL_POSE, POSE_KEYS } from './mouth-pose';
import { VISEMES, VISEME_POSES, phoneVisemes, visemePose } from './phone-visemes';

describe('phone visemes', () => {
  it('maps every phone Flite produces to a known viseme', () => {
    const tts = createFliteTts();
    const seen = new Set<string>();
    try {
      for (const text of [
        'Hello there, my name is Facecast.',
        'The quick brown fox jumps over the lazy dog.',
        'Would you measure the thick azure judge? Sing, king!',
        'Boy, how I enjoy playing with wolves in the foggy hour.',
      ]) {
        for (const p of tts.synthesize(text).phones) seen.add(p.phone);
      }
    } finally {
      tts.close();
    }
    expect(seen.size).toBeGreaterThan(35);
    for (const phone of seen) {
      // Only `hh` borrows; everything else has a shape listed in the table, not the fallback.
      if (phone === 'hh') expect(phoneVisemes(phone)).toEqual([]);
      else if (phone !== 'ax') expect(phoneVisemes(phone)).not.toEqual(['AX']);
      for (const v of phoneVisemes(phone)) expect(VISEMES).toContain(v);
    }
  });

  it('groups phones by how they look', () => {
    for (const p of ['p', 'b', 'm']) expect(phoneVisemes(p)).toEqual(['PP']);
    for (const p of ['f', 'v']) expect(phoneVisemes(p)).toEqual(['FF']);
    expect(phoneVisemes('pau')).toEqual(['sil']);
    expect(phoneVisemes('ay')).toEqual(['AA', 'IY']);
    expect(phoneVisemes('nonsense')).toEqual(['AX']);
  });

  it('has target poses that differ where the mouth differs', () => {
    expect(VISEME_POSES.sil).toEqual(NEUTRAL_POSE);
    expect(VISEME_POSES.PP.lipClosure).toBe(1);
    expect(VISEME_POSES.PP.jawOpen).toBe(0);
    expect(VISEME_POSES.FF.lowerLipTuck).toBe(1);
    expect(VISEME_POSES.AA.jawOpen).toBeGreaterThan(VISEME_POSES.EH.jawOpen);
    expect(VISEME_POSES.EH.jawOpen).toBeGreaterThan(VISEME_POSES.IY.jawOpen);
    expect(VISEME_POSES.UW.lipRound).toBeGreaterThan(VISEME_POSES.IY.lipRound + 0.5);
    expect(VISEME_POSES.IY.lipWidth).toBeGreaterThan(VISEME_POSES.UW.lipWidth + 0.5);
    for (const v of VISEMES) {
      for (const key of POSE_KEYS) {
        expect(VISEME_POSES[v][key]).toBeGreaterThanOrEqual(0);
        expect(VISEME_POSES[v][key]).toBeLessThanOrEqual(1);
      }
      // Speech visemes part the lips; only rest and bilabials close them.
      if (v !== 'sil' && v !== 'PP') expect(VISEME_POSES[v].lipClosure).toBe(0);
    }
  });

  it('returns a copy of the target', () => {
    const p = visemePose('AA');
    p.jawOpen = 0;
    expect(VISEME_POSES.AA.jawOpen).toBeGreaterThan(0.5);
  });
});
