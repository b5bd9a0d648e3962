/** Reads a 16-bit PCM mono WAV (the utterance scripts/agents-plugin.ts writes). */
import { readFileSync } from 'node:fs';

export function readWav(file: string): { pcm: Int16Array; sampleRateHz: number } {
  const bytes = readFileSync(file);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file} is not a WAVE file`);
  }
  let sampleRateHz = 0;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      const channels = bytes.readUInt16LE(body + 2);
      const bits = bytes.readUInt16LE(body + 14);
      if (channels !== 1 || bits !== 16) throw new Error(`${file}: not 16-bit mono`);
      sampleRateHz = bytes.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (!sampleRateHz) throw new Error(`${file}: data before fmt`);
      const count = Math.floor(Math.min(size, bytes.length - body) / 2);
      const pcm = new Int16Array(count);
      for (let i = 0; i < count; i++) pcm[i] = bytes.readInt16LE(body + i * 2);
      return { pcm, sampleRateHz };
    }
    at = body + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}
