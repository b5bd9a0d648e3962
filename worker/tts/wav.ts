/** Minimal RIFF/WAVE reader for the 16-bit PCM files the synthesiser writes. */

export interface PcmAudio {
  /** Mono samples, 16-bit signed. */
  pcm: Int16Array;
  sampleRateHz: number;
}

/** Decodes 16-bit PCM WAV; multi-channel input keeps only the first channel. */
export function decodeWav(bytes: Uint8Array): PcmAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    throw new Error('not a WAVE file');
  let offset = 12;
  let channels = 0;
  let sampleRateHz = 0;
  let bitsPerSample = 0;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = view.getUint16(body + 2, true);
      sampleRateHz = view.getUint32(body + 4, true);
      bitsPerSample = view.getUint16(body + 14, true);
    } else if (id === 'data') {
      if (bitsPerSample !== 16 || channels < 1)
        throw new Error('only 16-bit PCM WAVE is supported');
      // Flite writes a data size that may run past the end when output is truncated; clamp.
      const available = Math.min(size, bytes.byteLength - body);
      const frames = Math.floor(available / (2 * channels));
      const pcm = new Int16Array(frames);
      for (let i = 0; i < frames; i++) pcm[i] = view.getInt16(body + i * 2 * channels, true);
      return { pcm, sampleRateHz };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAVE file has no data chunk');
}
