import { performance } from 'node:perf_hooks';
import { createThreadedTts } from '@/worker/tts/threaded-tts';
import { percentile, round } from './stats';

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Welcome to the museum, I will be your guide today.',
  'Please keep your ticket with you at all times.',
  'Our next exhibition opens on the fourth of December.',
];

export async function ttsBench() {
  // The worker thread the sessions use (node:wasi needs its GC care, see tts-thread.ts).
  const tts = createThreadedTts();
  try {
    await tts.synthesize('Warm up.');
    const costs: number[] = [];
    const factors: number[] = [];
    for (let round_ = 0; round_ < 3; round_++) {
      for (const sentence of SENTENCES) {
        const start = performance.now();
        const speech = await tts.synthesize(sentence);
        const elapsed = performance.now() - start;
        costs.push(elapsed);
        factors.push(elapsed / ((speech.pcm.length / speech.sampleRateHz) * 1000));
      }
    }
    costs.sort((a, b) => a - b);
    factors.sort((a, b) => a - b);
    return {
      sentences: costs.length,
      synth_p50_ms: round(percentile(costs, 50)),
      synth_p99_ms: round(percentile(costs, 99)),
      real_time_factor_p50: round(percentile(factors, 50), 3),
    };
  } finally {
    await tts.close();
  }
}
