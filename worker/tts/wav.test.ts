import { describe, expect, it } from 'vitest';
import { decodeWav } from './wav';

function wav(samples: number[], sampleRateHz: number, channels = 1): Uint8Array {
  const data = samples.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRateHz, 24);
  buf.writeUInt32LE(sampleRateHz * 2 * channels, 28);
  buf.writeUInt16LE(2 * channels, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(data, 40);
  samples.forEach((s, i) => buf.writeInt16LE(s, 44 + i * 2));
  return new Uint8Array(buf);
}

describe('decodeWav', () => {
  it('reads 16-bit mono PCM and its rate', () => {
    const audio = decodeWav(wav([0, 1000, -1000, 32767], 16_000));
    expect(audio.sampleRateHz).toBe(16_000);
    expect([...audio.pcm]).toEqual([0, 1000, -1000, 32767]);
  });

  it('keeps the first channel of stereo', () => {
    expect([...decodeWav(wav([1, 2, 3, 4], 8_000, 2)).pcm]).toEqual([1, 3]);
  });

  it('rejects non-WAVE data', () => {
    expect(() => decodeWav(new Uint8Array(50))).toThrow(/not a WAVE/);
  });
});
