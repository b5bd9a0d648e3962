import { performance } from 'node:perf_hooks';
import { computeMel, melChunk } from '@/worker/lipsync/wav2lip-mel';
import { percentile, round } from './stats';

/** Wav2Lip mel spectrogram cost per second of 16 kHz audio, and per 25 fps video frame chunk. */
export function melBench() {
  const pcm = new Float32Array(16_000 * 10);
  let seed = 7;
  for (let i = 0; i < pcm.length; i++) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    pcm[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16_000) + 0.05 * (seed / 2 ** 32 - 0.5);
  }
  const second = pcm.subarray(0, 16_000);
  for (let i = 0; i < 20; i++) computeMel(second, 16_000); // warm-up
  const perSecond: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    computeMel(second, 16_000);
    perSecond.push(performance.now() - start);
  }
  const spec = computeMel(pcm, 16_000);
  const chunkStart = performance.now();
  for (let frame = 0; frame < 250; frame++) melChunk(spec, frame, 25);
  const chunkMs = (performance.now() - chunkStart) / 250;
  perSecond.sort((a, b) => a - b);
  return Promise.resolve({
    mel_p50_ms_per_audio_s: round(percentile(perSecond, 50)),
    mel_p99_ms_per_audio_s: round(percentile(perSecond, 99)),
    chunk_ms_per_frame: round(chunkMs, 4),
  });
}
