import { describe, expect, it } from 'vitest';
import { decodeWavMono } from './wav-mono';

function wav(
  samples: number[],
  { sampleRateHz = 24_000, channels = 1, float = false, dataSize = -1 } = {},
): Uint8Array {
  const bytesPerSample = float ? 4 : 2;
  const data = samples.length * bytesPerSample;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(float ? 3 : 1, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRateHz, 24);
  buf.writeUInt32LE(sampleRateHz * bytesPerSample * channels, 28);
  buf.writeUInt16LE(bytesPerSample * channels, 32);
  buf.writeUInt16LE(bytesPerSample * 8, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(dataSize >= 0 ? dataSize : data, 40);
  samples.forEach((s, i) =>
    float ? buf.writeFloatLE(s, 44 + i * 4) : buf.writeInt16LE(s, 44 + i * 2),
  );
  return new Uint8Array(buf);
}

describe('decodeWavMono', () => {
  it('reads 24 kHz mono as is', () => {
    const audio = decodeWavMono(wav([0, 1000, -1000, 32767]));
    expect(audio.sampleRateHz).toBe(24_000);
    expect([...audio.pcm]).toEqual([0, 1000, -1000, 32767]);
  });

  it('averages stereo channels instead of dropping one', () => {
    expect([...decodeWavMono(wav([1000, 3000, -2000, 0], { channels: 2 })).pcm]).toEqual([
      2000, -1000,
    ]);
  });

  it('converts 32-bit float samples', () => {
    expect([...decodeWavMono(wav([0.5, -1, 1], { float: true })).pcm]).toEqual([
      16384, -32767, 32767,
    ]);
  });

  it('accepts the unknown data size streaming servers write', () => {
    expect(decodeWavMono(wav([5, 6, 7], { dataSize: 0xffffffff })).pcm.length).toBe(3);
  });

  it('rejects non-WAVE data and unsupported sample formats', () => {
    expect(() => decodeWavMono(new TextEncoder().encode('{"error":"nope"}'))).toThrow(/not a WAVE/);
    const eightBit = wav([1, 2]);
    eightBit.set([8, 0], 34);
    expect(() => decodeWavMono(eightBit)).toThrow(/only 16-bit/);
  });
});
