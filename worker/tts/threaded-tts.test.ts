import { describe, expect, it } from 'vitest';
import { createThreadedTts } from './threaded-tts';

describe('threaded TTS', () => {
  it('synthesises on a worker thread without blocking this one', async () => {
    const tts = createThreadedTts();
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const [a, b] = await Promise.all([
        tts.synthesize(
          'This sentence is synthesised on another thread, while this one keeps ticking.',
        ),
        tts.synthesize('And a second one, in order.', 'kal16'),
      ]);
      clearInterval(timer);
      expect(a.sampleRateHz).toBe(16_000);
      expect(a.pcm).toBeInstanceOf(Int16Array);
      expect(a.pcm.length).toBeGreaterThan(16_000);
      expect(a.phones.length).toBeGreaterThan(20);
      expect(b.pcm.length).toBeGreaterThan(8_000);
      expect(ticks).toBeGreaterThan(3);
    } finally {
      await tts.close();
    }
  });

  // Regression: node:wasi aborted the whole process after 2-20 sentences (see tts-thread.ts).
  it('keeps going for a long conversation (60 sentences)', async () => {
    const tts = createThreadedTts();
    try {
      for (let i = 0; i < 60; i++) {
        const speech = await tts.synthesize(`Sentence number ${i}, spoken without a crash.`);
        expect(speech.pcm.length).toBeGreaterThan(8_000);
      }
    } finally {
      await tts.close();
    }
  }, 60_000);

  it('rejects pending requests when closed', async () => {
    const tts = createThreadedTts();
    const pending = tts.synthesize('Never finished.');
    await tts.close();
    await expect(pending).rejects.toThrow(/exited/);
  });
});
