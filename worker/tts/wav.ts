/** RIFF/WAVE reading and writing for 16-bit PCM (Flite's files, providers' answers, clips). */

export interface PcmAudio {
  /** Mono samples, 16-bit signed. */
  pcm: Int16Array;
  sampleRateHz: number;
}

/** The `fmt ` fields and where the samples are, as found by walking a WAVE file's chunks. */
export interface WavLayout {
  /** 1 = integer PCM, 3 = IEEE float (WAVE_FORMAT_EXTENSIBLE resolved to its real format). */
  format: number;
  channels: number;
  sampleRateHz: number;
  bitsPerSample: number;
  dataOffset: number;
  /** Bytes of sample data present, clamped to the file (writers may over-state the size). */
  dataBytes: number;
}

const FORMAT_EXTENSIBLE = 0xfffe;

/** Walks the chunks up to `data`; throws for a file that is not WAVE or has no data chunk. */
export function readWavLayout(bytes: Uint8Array): WavLayout {
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
      // Flite may over-state the size when output is truncated, and streaming servers write
      // 0xFFFFFFFF (unknown length): clamp to what is there.
      const dataBytes = Math.min(size, bytes.byteLength - body);
      return { format, channels, sampleRateHz, bitsPerSample, dataOffset: body, dataBytes };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAVE file has no data chunk');
}

/** Decodes 16-bit PCM WAV; multi-channel input keeps only the first channel. */
export function decodeWav(bytes: Uint8Array): PcmAudio {
  const layout = readWavLayout(bytes);
  const { channels, bitsPerSample, dataOffset } = layout;
  if (bitsPerSample !== 16 || channels < 1) throw new Error('only 16-bit PCM WAVE is supported');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames = Math.floor(layout.dataBytes / (2 * channels));
  const pcm = new Int16Array(frames);
  for (let i = 0; i < frames; i++) pcm[i] = view.getInt16(dataOffset + i * 2 * channels, true);
  return { pcm, sampleRateHz: layout.sampleRateHz };
}

/** A 16-bit mono PCM RIFF/WAVE file. */
export function encodeWav(pcm: Int16Array, sampleRateHz: number): Buffer {
  const out = Buffer.alloc(44 + pcm.length * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + pcm.length * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRateHz, 24);
  out.writeUInt32LE(sampleRateHz * 2, 28); // bytes per second
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(pcm.length * 2, 40);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] ?? 0, 44 + i * 2);
  return out;
}
