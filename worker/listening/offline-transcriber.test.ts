import { describe, expect, it } from 'vitest';
import { createFliteTts } from '../tts/flite-tts';
import { encodeWav } from '../tts/wav';
import { transcribeOffline } from './offline-transcriber';

describe('offline recogniser (pocketsphinx)', () => {
  it('understands a clear English question', async () => {
    const tts = createFliteTts();
    const speech = tts.synthesize(
      'Hello, can you tell me about the paintings in the next room?',
      'kal16',
    );
    tts.close();
    const text = await transcribeOffline(encodeWav(speech.pcm, speech.sampleRateHz));
    const words = text.split(' ');
    const expected = 'hello can you tell me about the paintings in the next room'.split(' ');
    // Word recall: most words right (it got all 11 on this recording when measured).
    const hits = expected.filter((w) => words.includes(w)).length;
    expect(hits / expected.length).toBeGreaterThanOrEqual(0.7);
  });

  it('hears nothing in silence', async () => {
    expect(await transcribeOffline(encodeWav(new Int16Array(16_000), 16_000))).toBe('');
  });
});
