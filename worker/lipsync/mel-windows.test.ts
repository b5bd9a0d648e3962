import { describe, expect, it } from 'vitest';
import { melStartFrame, videoFramesFor, writeMelWindow } from './mel-windows';
import { computeMel, melChunk } from './wav2lip-mel';
import { MEL_STEP_SIZE, N_MELS } from '../../protocol/lip-sync/model-interface';

describe('mel windows per video frame', () => {
  it('start at int(i·80/fps), computed independently here', () => {
    for (const fps of [25, 30, 29.97, 60]) {
      for (let i = 0; i < 500; i++) {
        expect(melStartFrame(i, fps)).toBe(Math.floor((i * 80) / fps + 1e-9));
      }
    }
    expect(melStartFrame(1, 25)).toBe(3); // 3.2
    expect(melStartFrame(5, 25)).toBe(16);
    expect(melStartFrame(1, 30)).toBe(2); // 2.67
  });

  it('write the same window as melChunk into a batch at an offset, and only there', () => {
    const pcm = new Float32Array(16_000 * 2);
    for (let i = 0; i < pcm.length; i++) pcm[i] = 0.3 * Math.sin(i * 0.05) * Math.sin(i / 900);
    const spec = computeMel(pcm, 16_000);
    const fps = 25;
    const frames = videoFramesFor(pcm.length, 16_000, fps);
    expect(frames).toBe(50);
    const size = N_MELS * MEL_STEP_SIZE;
    const dst = new Float32Array(3 * size).fill(99);
    for (const i of [0, 7, 49]) {
      writeMelWindow(spec, i, fps, dst, size);
      expect(dst.subarray(size, 2 * size)).toEqual(melChunk(spec, i, fps));
      // Band 10 of frame i: mel frames start.. start+16 of that band.
      const start = Math.min(melStartFrame(i, fps), spec.frames - MEL_STEP_SIZE);
      expect(dst[size + 10 * MEL_STEP_SIZE]).toBe(spec.mel[10 * spec.frames + start]);
    }
    expect(dst[0]).toBe(99);
    expect(dst[2 * size]).toBe(99);
  });

  it('pads very short audio with silence', () => {
    const spec = computeMel(new Float32Array(800).fill(0.1), 16_000);
    const dst = new Float32Array(N_MELS * MEL_STEP_SIZE);
    writeMelWindow(spec, 0, 25, dst, 0);
    expect(dst).toEqual(melChunk(spec, 0, 25));
    expect(dst[MEL_STEP_SIZE - 1]).toBe(-4);
  });
});
