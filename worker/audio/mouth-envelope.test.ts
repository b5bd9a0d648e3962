import { describe, expect, it } from 'vitest';
import { mouthOpenness, rmsEnvelope } from './mouth-envelope';

const RATE = 16_000;

/** 200 ms silence, 400 ms loud tone, 200 ms silence, 400 ms quieter tone. */
function testSignal(): Int16Array {
  const pcm = new Int16Array(RATE * 1.2);
  for (let i = 0; i < pcm.length; i++) {
    const t = i / RATE;
    const amp = t >= 0.2 && t < 0.6 ? 12_000 : t >= 0.8 ? 4_000 : 0;
    pcm[i] = Math.round(amp * Math.sin(2 * Math.PI * 180 * t));
  }
  return pcm;
}

describe('mouth envelope', () => {
  it('computes RMS per frame', () => {
    const rms = rmsEnvelope(testSignal(), 320);
    expect(rms.length).toBe(60);
    expect(rms[0]).toBe(0);
    expect(rms[20]).toBeGreaterThan(8_000);
    expect(rms[20]).toBeLessThan(9_000);
  });

  it('opens with loud speech, closes in silence, stays within 0..1', () => {
    const open = mouthOpenness(testSignal(), { sampleRateHz: RATE, frameMs: 20 });
    expect(open.length).toBe(60);
    for (const v of open) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(open[5]).toBe(0); // 100 ms: silence
    expect(open[20]).toBeGreaterThan(0.8); // 400 ms: loud
    expect(open[37]).toBeLessThan(0.1); // 740 ms: silence again after release
    expect(open[50]).toBeGreaterThan(0.2); // quieter tone: partly open
    expect(open[50]).toBeLessThan(open[20]!);
  });

  it('closes the lips on bilabial phones', () => {
    const pcm = testSignal();
    const plain = mouthOpenness(pcm, { sampleRateHz: RATE, frameMs: 20 });
    const withM = mouthOpenness(pcm, {
      sampleRateHz: RATE,
      frameMs: 20,
      phones: [{ phone: 'm', startMs: 300, endMs: 500 }],
    });
    expect(withM[20]).toBeLessThan(plain[20]! * 0.2);
    expect(withM[12]).toBe(plain[12]);
  });

  it('stays closed for silence', () => {
    expect(
      Math.max(...mouthOpenness(new Int16Array(3200), { sampleRateHz: RATE, frameMs: 20 })),
    ).toBe(0);
  });
});
