import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmsEnvelope } from '../audio/mouth-envelope';
import { lipSyncModelSchema } from '../../protocol/lip-sync/lip-sync-model';
import { pearson } from '../testing/signal-stats';
import { syntheticAvatar, syntheticImage } from '../testing/synthetic-avatar';
import { createFliteTts } from '../tts/flite-tts';
import { type SpeechAudio } from '../tts/speech-audio';
import { LipSyncRenderer, type LipSyncStatus } from './lip-sync-renderer';
import { buildTestLipSyncModel } from '../../protocol/testing/lip-sync-test-model';

const FPS = 25;
const image = syntheticImage();
const { face } = syntheticAvatar('/unused.png');
let dir: string;
let fastModel: string;
let speech: SpeechAudio;

/** Mouth rectangle of the synthetic face, padded. */
const MOUTH = { x0: 200, x1: 312, y0: 335, y1: 392 };

function mouthDifference(frame: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let y = MOUTH.y0; y < MOUTH.y1; y++) {
    for (let x = MOUTH.x0; x < MOUTH.x1; x++) {
      const o = (y * 512 + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs(frame[o + c]! - image.data[o + c]!);
      n += 3;
    }
  }
  return sum / n;
}

async function open(modelPath: string, extra: { batchSize?: number } = {}) {
  const statuses: LipSyncStatus[] = [];
  const renderer = await LipSyncRenderer.open({
    model: lipSyncModelSchema.parse({ modelPath, ...extra }),
    fps: FPS,
    frame: image,
    face,
    onStatus: (s) => statuses.push(s),
  });
  return { renderer, statuses };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lipsync-renderer-'));
  fastModel = path.join(dir, 'fast.onnx');
  await writeFile(fastModel, buildTestLipSyncModel());
  const tts = createFliteTts();
  try {
    speech = tts.synthesize('Bob bought a big blue map. Then he sailed home, happy and proud.');
  } finally {
    tts.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LipSyncRenderer', () => {
  it('reports builtin with a notice when the model is missing or malformed, and stays inactive', async () => {
    const missing = await open(path.join(dir, 'absent.onnx'));
    expect(missing.statuses).toHaveLength(1);
    expect(missing.statuses[0]?.renderer).toBe('builtin');
    expect(missing.statuses[0]?.notice).toContain('missing or unreadable');
    expect(missing.renderer.active).toBe(false);
    missing.renderer.startUtterance({ pcm: speech.pcm, sampleRateHz: 16_000, startTick: 0 });
    expect(missing.renderer.frameFor(3, new Uint8Array(image.data))).toBe(false);

    const wrong = path.join(dir, 'wrong.onnx');
    await writeFile(wrong, buildTestLipSyncModel({ melShape: ['B', 1, 40, 16] }));
    const malformed = await open(wrong);
    expect(malformed.statuses[0]?.renderer).toBe('builtin');
    expect(malformed.statuses[0]?.notice).toMatch(/mel input "mel" has shape \[B,1,40,16\]/);
  });

  it('end to end: Flite speech moves the mouth region, with the loudness of the speech', async () => {
    const { renderer, statuses } = await open(fastModel);
    try {
      expect(statuses).toEqual([{ renderer: 'onnx' }]);
      renderer.startUtterance({
        pcm: speech.pcm,
        sampleRateHz: speech.sampleRateHz,
        startTick: 100,
      });
      const frames = Math.ceil((speech.pcm.length / speech.sampleRateHz) * FPS);
      const target = new Uint8Array(image.data.length);
      const diffs: number[] = [];
      target.set(image.data);
      expect(renderer.frameFor(99, target)).toBe(false); // before the utterance
      for (let f = 0; f < frames; f++) {
        expect(await renderer.waitFor(100 + f)).toBe(true);
        target.set(image.data);
        expect(renderer.frameFor(100 + f, target)).toBe(true);
        diffs.push(mouthDifference(target));
        // Outside the lower face nothing changes.
        const eye = (250 * 512 + 205) * 4;
        expect(target[eye]).toBe(image.data[eye]);
      }
      expect(renderer.frameFor(100 + frames, target)).toBe(false); // utterance over
      // Wav2Lip's window for frame i covers the 200 ms (5 frames) from frame i on.
      const rms = rmsEnvelope(speech.pcm, speech.sampleRateHz / FPS);
      const windowDb = diffs.map((_, i) => {
        const w = rms.slice(i, i + 5);
        const mean = w.reduce((a, b) => a + b, 0) / w.length;
        return 20 * Math.log10(Math.max(1, mean));
      });
      const loud = diffs.filter((_, i) => rms[i]! > 0.05 * 32768);
      expect(loud.length).toBeGreaterThan(10);
      expect(Math.min(...loud)).toBeGreaterThan(3);
      expect(pearson(diffs, windowDb)).toBeGreaterThan(0.6);
      expect(statuses).toHaveLength(1);
    } finally {
      await renderer.close();
    }
  });

  it('sentences queued back to back are lip-synced without a gap at the boundary', async () => {
    const { renderer } = await open(fastModel);
    try {
      const frames = Math.ceil((speech.pcm.length / speech.sampleRateHz) * FPS);
      const half = speech.pcm.subarray(0, 16_000); // one second: 25 frames
      // The second sentence is handed over while the first is still playing.
      renderer.startUtterance({ pcm: speech.pcm, sampleRateHz: 16_000, startTick: 0 });
      renderer.startUtterance({ pcm: half, sampleRateHz: 16_000, startTick: frames });
      const target = new Uint8Array(image.data.length);
      for (let tick = 0; tick < frames + 25; tick++) {
        expect(await renderer.waitFor(tick)).toBe(true);
        expect(renderer.frameFor(tick, target)).toBe(true);
      }
      expect(renderer.speakingAt(frames + 25)).toBe(false);
      // A sentence that starts early cuts the previous one short.
      renderer.startUtterance({ pcm: speech.pcm, sampleRateHz: 16_000, startTick: 500 });
      renderer.startUtterance({ pcm: half, sampleRateHz: 16_000, startTick: 510 });
      expect(renderer.speakingAt(509)).toBe(true);
      expect(renderer.speakingAt(534)).toBe(true);
      expect(renderer.speakingAt(535)).toBe(false);
    } finally {
      await renderer.close();
    }
  });

  it('crops each tick from the video frame shown at that tick', async () => {
    const dark = { data: image.data.map((v, i) => (i % 4 === 3 ? v : v >> 1)), widthPx: 512 };
    const statuses: LipSyncStatus[] = [];
    const renderer = await LipSyncRenderer.open({
      model: lipSyncModelSchema.parse({ modelPath: fastModel }),
      fps: FPS,
      frame: image,
      face,
      frameAt: (tick) => (tick % 2 === 0 ? image : dark),
      onStatus: (s) => statuses.push(s),
    });
    try {
      renderer.startUtterance({ pcm: new Int16Array(16_000), sampleRateHz: 16_000, startTick: 0 });
      const mouthMean = async (tick: number) => {
        expect(await renderer.waitFor(tick)).toBe(true);
        const target = new Uint8Array(image.data);
        renderer.frameFor(tick, target);
        return mouthDifference(target);
      };
      // Silence: the output follows the (bright or dark) source frame of each tick.
      const even = await mouthMean(4);
      const odd = await mouthMean(5);
      expect(Math.abs(even - odd)).toBeGreaterThan(10);
    } finally {
      await renderer.close();
    }
  });

  it('an interrupt drops the utterance at once', async () => {
    const { renderer } = await open(fastModel);
    try {
      renderer.startUtterance({ pcm: speech.pcm, sampleRateHz: 16_000, startTick: 0 });
      expect(await renderer.waitFor(5)).toBe(true);
      renderer.stopUtterance();
      expect(renderer.frameFor(5, new Uint8Array(image.data))).toBe(false);
    } finally {
      await renderer.close();
    }
  });

  it('keeps up in real time with the generated model and stays on onnx', async () => {
    const { renderer, statuses } = await open(fastModel);
    try {
      renderer.startUtterance({ pcm: speech.pcm, sampleRateHz: 16_000, startTick: 3 });
      const target = new Uint8Array(image.data.length);
      let pasted = 0;
      for (let tick = 0; tick < 3 + 60; tick++) {
        await sleep(1000 / FPS);
        if (renderer.frameFor(tick, target)) pasted++;
      }
      expect(statuses).toEqual([{ renderer: 'onnx' }]);
      expect(pasted).toBeGreaterThan(50);
    } finally {
      await renderer.close();
    }
  });

  it('a model too slow for the frame rate falls back to builtin for the session, saying why', async () => {
    const slow = path.join(dir, 'slow.onnx');
    await writeFile(slow, buildTestLipSyncModel({ slowRepeats: 60 })); // ~100 ms per frame
    const { renderer, statuses } = await open(slow);
    try {
      renderer.startUtterance({ pcm: speech.pcm, sampleRateHz: 16_000, startTick: 0 });
      const target = new Uint8Array(image.data.length);
      for (let tick = 0; tick < 4 * FPS && renderer.active; tick++) {
        await sleep(1000 / FPS);
        renderer.frameFor(tick, target);
      }
      expect(renderer.active).toBe(false);
      expect(statuses).toHaveLength(2);
      expect(statuses[1]?.renderer).toBe('builtin');
      expect(statuses[1]?.notice).toMatch(
        /cannot keep up.*% of frames were late over the last 2 s/,
      );
      // Permanent: a new utterance is not lip-synced any more.
      renderer.startUtterance({ pcm: speech.pcm, sampleRateHz: 16_000, startTick: 200 });
      expect(await renderer.waitFor(201)).toBe(false);
    } finally {
      await renderer.close();
    }
  });
});
