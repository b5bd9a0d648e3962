/**
 * Mel windows written straight into a batch tensor: the same window `melChunk` returns (start
 * int(i·80/fps), 16 wide, last window clamped to the end, silence past short audio), without
 * allocating one array per frame.
 */
import { MEL_FRAMES_PER_SECOND, type MelSpectrogram } from './wav2lip-mel';
import { MEL_STEP_SIZE, N_MELS } from '../../protocol/lip-sync/model-interface';

const SILENCE = -4;

/** First mel frame of video frame `frameIndex` at `fps`, as Wav2Lip computes it. */
export function melStartFrame(frameIndex: number, fps: number): number {
  return Math.trunc(frameIndex * (MEL_FRAMES_PER_SECOND / fps));
}

/** Writes the [80][16] window of video frame `frameIndex` into `dst` at `offset`. */
export function writeMelWindow(
  spec: MelSpectrogram,
  frameIndex: number,
  fps: number,
  dst: Float32Array,
  offset: number,
): void {
  const { mel, frames } = spec;
  let start = melStartFrame(frameIndex, fps);
  if (start + MEL_STEP_SIZE > frames) start = Math.max(0, frames - MEL_STEP_SIZE);
  const width = Math.min(MEL_STEP_SIZE, frames - start);
  for (let b = 0; b < N_MELS; b++) {
    const src = b * frames + start;
    const o = offset + b * MEL_STEP_SIZE;
    for (let t = 0; t < width; t++) dst[o + t] = mel[src + t]!;
    for (let t = width; t < MEL_STEP_SIZE; t++) dst[o + t] = SILENCE;
  }
}

/** Video frames covering `sampleCount` samples at `sampleRateHz`, at `fps`. */
export function videoFramesFor(sampleCount: number, sampleRateHz: number, fps: number): number {
  return Math.ceil((sampleCount / sampleRateHz) * fps);
}
