/**
 * WAV reader for audio from other people's servers: unlike `decodeWav` (built for Flite's
 * mono files, keeps only the first channel) it averages all channels into one and also
 * accepts 32-bit float samples, which some self-hosted speech servers write.
 */
import { readWavLayout, type PcmAudio } from './wav';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;

/** Decodes 16-bit integer or 32-bit float WAV of any channel count to mono 16-bit PCM. */
export function decodeWavMono(bytes: Uint8Array): PcmAudio {
  const { format, channels, sampleRateHz, bitsPerSample, dataOffset, dataBytes } =
    readWavLayout(bytes);
  const isInt16 = format === FORMAT_PCM && bitsPerSample === 16;
  const isFloat32 = format === FORMAT_FLOAT && bitsPerSample === 32;
  if (!(isInt16 || isFloat32) || channels < 1 || sampleRateHz <= 0)
    throw new Error('only 16-bit integer or 32-bit float WAVE is supported');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bytesPerSample = bitsPerSample / 8;
  const frames = Math.floor(dataBytes / (bytesPerSample * channels));
  const pcm = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = dataOffset + (i * channels + c) * bytesPerSample;
      sum += isInt16 ? view.getInt16(at, true) : view.getFloat32(at, true) * 32767;
    }
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round(sum / channels)));
  }
  return { pcm, sampleRateHz };
}
