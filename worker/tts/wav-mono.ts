/**
 * WAV reader for audio from other people's servers: unlike `decodeWav` (built for Flite's
 * mono files, keeps only the first channel) it averages all channels into one and also
 * accepts 32-bit float samples, which some self-hosted speech servers write.
 */
import type { PcmAudio } from './wav';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Decodes 16-bit integer or 32-bit float WAV of any channel count to mono 16-bit PCM. */
export function decodeWavMono(bytes: Uint8Array): PcmAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    throw new Error('not a WAVE file');
  let format = 0;
  let channels = 0;
  let sampleRateHz = 0;
  let bitsPerSample = 0;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= bytes.byteLength) {
      format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRateHz = view.getUint32(body + 4, true);
      bitsPerSample = view.getUint16(body + 14, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of the GUID.
      if (format === FORMAT_EXTENSIBLE && size >= 26 && body + 26 <= bytes.byteLength)
        format = view.getUint16(body + 24, true);
    } else if (id === 'data') {
      const isInt16 = format === FORMAT_PCM && bitsPerSample === 16;
      const isFloat32 = format === FORMAT_FLOAT && bitsPerSample === 32;
      if (!(isInt16 || isFloat32) || channels < 1 || sampleRateHz <= 0)
        throw new Error('only 16-bit integer or 32-bit float WAVE is supported');
      const bytesPerSample = bitsPerSample / 8;
      // Streaming servers write 0xFFFFFFFF (unknown length) as the data size: clamp.
      const available = Math.min(size, bytes.byteLength - body);
      const frames = Math.floor(available / (bytesPerSample * channels));
      const pcm = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) {
          const at = body + (i * channels + c) * bytesPerSample;
          sum += isInt16 ? view.getInt16(at, true) : view.getFloat32(at, true) * 32767;
        }
        pcm[i] = Math.max(-32768, Math.min(32767, Math.round(sum / channels)));
      }
      return { pcm, sampleRateHz };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAVE file has no data chunk');
}
