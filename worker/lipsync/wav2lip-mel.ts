/**
 * The mel spectrogram Wav2Lip's models were trained on (Wav2Lip `audio.py` + `hparams.py`):
 * preemphasis 0.97 → librosa STFT (n_fft 800, hop 200, periodic Hann, centred with reflect
 * padding) → |STFT| → Slaney mel filterbank (80 bands, 55–7600 Hz, area-normalised) →
 * 20·log10(max(1e-5, ·)) − 20 dB → symmetric normalisation clipped to [−4, 4].
 * Input is mono PCM at 16 kHz; the output has 80 mel frames per second of audio.
 */
import { MEL_STEP_SIZE, N_MELS } from '../../protocol/lip-sync/model-interface';
import { RealFft } from './real-fft';

export const WAV2LIP_SAMPLE_RATE_HZ = 16_000;
export const N_FFT = 800;
export const HOP_LENGTH = 200;
/** Mel frames per second: 16000 / 200. */
export const MEL_FRAMES_PER_SECOND = WAV2LIP_SAMPLE_RATE_HZ / HOP_LENGTH;

const PREEMPHASIS = 0.97;
const FMIN_HZ = 55;
const FMAX_HZ = 7600;
const MIN_LEVEL = 1e-5; // 10^(min_level_db / 20), min_level_db = −100
const REF_LEVEL_DB = 20;
const MAX_ABS_VALUE = 4;
const N_BINS = N_FFT / 2 + 1;

export interface MelSpectrogram {
  /** Row-major [mel][frame]: value of band b at frame t is mel[b * frames + t]. */
  mel: Float32Array;
  nMels: typeof N_MELS;
  frames: number;
}

/** Slaney mel scale (librosa `hz_to_mel`, htk=False): linear to 1 kHz, logarithmic above. */
function hzToMel(hz: number): number {
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const logStep = Math.log(6.4) / 27;
  return hz < minLogHz ? hz / fSp : minLogHz / fSp + Math.log(hz / minLogHz) / logStep;
}

function melToHz(mel: number): number {
  const fSp = 200 / 3;
  const minLogMel = 1000 / fSp;
  const logStep = Math.log(6.4) / 27;
  return mel < minLogMel ? mel * fSp : 1000 * Math.exp(logStep * (mel - minLogMel));
}

let filterbankCache: Float32Array | undefined;

/**
 * librosa `filters.mel(sr=16000, n_fft=800, n_mels=80, fmin=55, fmax=7600)` (Slaney scale and
 * norm): row-major [80][401], band b weighting FFT bin k (k·20 Hz) at b * 401 + k. Cached; the
 * returned array is shared, do not modify it.
 */
export function melFilterbank(): Float32Array {
  if (filterbankCache) return filterbankCache;
  const weights = new Float32Array(N_MELS * N_BINS);
  const minMel = hzToMel(FMIN_HZ);
  const maxMel = hzToMel(FMAX_HZ);
  const edges = Array.from({ length: N_MELS + 2 }, (_, i) =>
    melToHz(minMel + ((maxMel - minMel) * i) / (N_MELS + 1)),
  );
  for (let b = 0; b < N_MELS; b++) {
    const [lo, mid, hi] = [edges[b]!, edges[b + 1]!, edges[b + 2]!];
    const enorm = 2 / (hi - lo);
    for (let k = 0; k < N_BINS; k++) {
      const f = (k * WAV2LIP_SAMPLE_RATE_HZ) / N_FFT;
      const w = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
      weights[b * N_BINS + k] = w * enorm;
    }
  }
  filterbankCache = weights;
  return weights;
}

/** Non-zero span [start, end) of each band, so the per-frame product skips the zeros. */
let bandSpans: Int32Array | undefined;
function spans(fb: Float32Array): Int32Array {
  if (bandSpans) return bandSpans;
  const out = new Int32Array(N_MELS * 2);
  for (let b = 0; b < N_MELS; b++) {
    let start = 0;
    while (start < N_BINS && fb[b * N_BINS + start] === 0) start++;
    let end = N_BINS;
    while (end > start && fb[b * N_BINS + end - 1] === 0) end--;
    out[2 * b] = start;
    out[2 * b + 1] = end;
  }
  bandSpans = out;
  return out;
}

let fft: RealFft | undefined;
let hann: Float64Array | undefined;

/** Index into a signal of length n after numpy `pad(mode='reflect')` (edge not repeated). */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/**
 * Wav2Lip's normalised log-mel spectrogram of mono PCM (Float32 in [−1, 1], or Int16 scaled
 * by 1/32768). `sampleRateHz` must be 16000 (see `resampleTo16k`). Frames: 1 + floor(len/200),
 * one per 12.5 ms; values in [−4, 4], −4 for silence.
 */
export function computeMel(pcm: Float32Array | Int16Array, sampleRateHz: number): MelSpectrogram {
  if (sampleRateHz !== WAV2LIP_SAMPLE_RATE_HZ) {
    throw new RangeError(
      `Wav2Lip mel needs 16000 Hz audio, got ${sampleRateHz} Hz; convert with resampleTo16k first`,
    );
  }
  const n = pcm.length;
  if (n === 0) throw new RangeError('Wav2Lip mel needs at least one sample');
  const scale = pcm instanceof Int16Array ? 1 / 32768 : 1;
  // Preemphasis over the whole signal first: librosa pads the already-filtered signal.
  const y = new Float64Array(n);
  y[0] = pcm[0]! * scale;
  for (let i = 1; i < n; i++) y[i] = (pcm[i]! - PREEMPHASIS * pcm[i - 1]!) * scale;

  fft ??= new RealFft(N_FFT);
  hann ??= Float64Array.from(
    { length: N_FFT },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT),
  );
  const window = hann;
  const fb = melFilterbank();
  const span = spans(fb);
  const frames = 1 + Math.floor(n / HOP_LENGTH);
  const mel = new Float32Array(N_MELS * frames);
  const frame = new Float64Array(N_FFT);
  const re = new Float64Array(N_BINS);
  const im = new Float64Array(N_BINS);
  const mag = new Float64Array(N_BINS);
  const half = N_FFT / 2;

  for (let t = 0; t < frames; t++) {
    const start = t * HOP_LENGTH - half; // index into the unpadded signal
    if (start >= 0 && start + N_FFT <= n) {
      for (let i = 0; i < N_FFT; i++) frame[i] = y[start + i]! * window[i]!;
    } else {
      for (let i = 0; i < N_FFT; i++) frame[i] = y[reflectIndex(start + i, n)]! * window[i]!;
    }
    fft.forward(frame, re, im);
    for (let k = 0; k < N_BINS; k++) mag[k] = Math.sqrt(re[k]! * re[k]! + im[k]! * im[k]!);
    for (let b = 0; b < N_MELS; b++) {
      let sum = 0;
      const row = b * N_BINS;
      for (let k = span[2 * b]!, end = span[2 * b + 1]!; k < end; k++)
        sum += fb[row + k]! * mag[k]!;
      const db = 20 * Math.log10(Math.max(MIN_LEVEL, sum)) - REF_LEVEL_DB;
      // (2·max)·((S − min_level_db) / −min_level_db) − max, with min_level_db = −100.
      const v = 2 * MAX_ABS_VALUE * ((db + 100) / 100) - MAX_ABS_VALUE;
      mel[b * frames + t] = Math.min(MAX_ABS_VALUE, Math.max(-MAX_ABS_VALUE, v));
    }
  }
  return { mel, nMels: N_MELS, frames };
}

/**
 * The 80×16 mel window Wav2Lip pairs with video frame `frameIndex` at `fps` frames per second,
 * row-major [mel][time]. It starts at int(frameIndex · (80 / fps)) (computed the way Wav2Lip
 * does, so float rounding matches); a window that would run past the end is the last 16 frames.
 * Deviation: with fewer than 16 frames in total (under ~0.19 s of audio, where Wav2Lip's slice
 * would be garbage), the available frames are followed by silence (−4).
 */
export function melChunk(spec: MelSpectrogram, frameIndex: number, fps: number): Float32Array {
  if (!Number.isInteger(frameIndex) || frameIndex < 0) {
    throw new RangeError(`frameIndex must be a non-negative integer, got ${frameIndex}`);
  }
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  const { mel, frames } = spec;
  let start = Math.trunc(frameIndex * (MEL_FRAMES_PER_SECOND / fps));
  if (start + MEL_STEP_SIZE > frames) start = Math.max(0, frames - MEL_STEP_SIZE);
  const out = new Float32Array(N_MELS * MEL_STEP_SIZE).fill(-MAX_ABS_VALUE);
  const width = Math.min(MEL_STEP_SIZE, frames - start);
  for (let b = 0; b < N_MELS; b++) {
    out.set(mel.subarray(b * frames + start, b * frames + start + width), b * MEL_STEP_SIZE);
  }
  return out;
}

/**
 * Linear-interpolation resampling of mono PCM from `fromRateHz` (e.g. 24000, 48000) to 16000 Hz,
 * Float32 in [−1, 1] out (Int16 in is scaled by 1/32768). There is no anti-aliasing filter:
 * content above 8 kHz in the input folds back into the band.
 */
export function resampleTo16k(pcm: Float32Array | Int16Array, fromRateHz: number): Float32Array {
  if (!(fromRateHz > 0)) throw new RangeError(`fromRateHz must be positive, got ${fromRateHz}`);
  const scale = pcm instanceof Int16Array ? 1 / 32768 : 1;
  const n = pcm.length;
  if (n === 0) return new Float32Array(0);
  const step = fromRateHz / WAV2LIP_SAMPLE_RATE_HZ;
  const outLen = Math.floor(((n - 1) * WAV2LIP_SAMPLE_RATE_HZ) / fromRateHz) + 1;
  const out = new Float32Array(outLen);
  for (let i = 0; i < outLen; i++) {
    const pos = i * step;
    const i0 = Math.min(n - 1, Math.floor(pos));
    const i1 = Math.min(n - 1, i0 + 1);
    const frac = pos - i0;
    out[i] = (pcm[i0]! + (pcm[i1]! - pcm[i0]!) * frac) * scale;
  }
  return out;
}
