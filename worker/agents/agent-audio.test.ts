import { describe, expect, it } from 'vitest';
import { AgentAudioDecoder, audioFormatOf } from './agent-audio';

/** int16 little-endian bytes of interleaved samples. */
function pcmBytes(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  samples.forEach((s, i) => view.setInt16(i * 2, s, true));
  return bytes;
}

function sine(hz: number, rateHz: number, seconds: number, channels = 1): Int16Array {
  const frames = Math.round(rateHz * seconds);
  const out = new Int16Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rateHz));
    for (let c = 0; c < channels; c++) out[i * channels + c] = c === 0 ? v : -v / 2;
  }
  return out;
}

/** Upward zero crossings per second: the tone's frequency, whatever the rate. */
function frequencyOf(pcm: Int16Array, rateHz: number): number {
  let crossings = 0;
  for (let i = 1; i < pcm.length; i++) if (pcm[i - 1]! < 0 && pcm[i]! >= 0) crossings++;
  return crossings / (pcm.length / rateHz);
}

function decodeInChunks(decoder: AgentAudioDecoder, bytes: Uint8Array, sizes: number[]) {
  const parts: Int16Array[] = [];
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    parts.push(decoder.push(bytes.subarray(at, at + size)));
    at += size;
  }
  parts.push(decoder.finish());
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('agent audio format', () => {
  it('reads the attributes senders set', () => {
    expect(audioFormatOf({ sample_rate: '24000', num_channels: '1' })).toEqual({
      ok: true,
      format: { sampleRateHz: 24000, channels: 1 },
    });
    expect(audioFormatOf({ sample_rate: '48000' })).toEqual({
      ok: true,
      format: { sampleRateHz: 48000, channels: 1 },
    });
  });

  it('refuses what it cannot play, saying why', () => {
    expect(audioFormatOf(undefined)).toMatchObject({ ok: false, reason: /no sample_rate/ });
    expect(audioFormatOf({ sample_rate: 'fast' })).toMatchObject({ ok: false });
    expect(audioFormatOf({ sample_rate: '4000' })).toMatchObject({ ok: false, reason: /outside/ });
    expect(audioFormatOf({ sample_rate: '16000', num_channels: '5' })).toMatchObject({
      ok: false,
      reason: /num_channels 5/,
    });
    expect(audioFormatOf({ sample_rate: '16000', bits_per_sample: '8' })).toMatchObject({
      ok: false,
      reason: /8-bit/,
    });
  });
});

describe('agent audio decoder', () => {
  it('passes 16 kHz mono through, whatever the chunk edges (odd byte counts included)', () => {
    const tone = sine(300, 16000, 0.5);
    const decoder = new AgentAudioDecoder({ sampleRateHz: 16000, channels: 1 }, 16000);
    const out = decodeInChunks(decoder, pcmBytes(tone), [333, 17, 1000, 1]);
    expect(Array.from(out)).toEqual(Array.from(tone));
  });

  it('resamples 24 and 48 kHz streams to 16 kHz keeping length and pitch', () => {
    for (const rate of [24000, 48000]) {
      const tone = sine(440, rate, 1);
      const decoder = new AgentAudioDecoder({ sampleRateHz: rate, channels: 1 }, 16000);
      const out = decodeInChunks(decoder, pcmBytes(tone), [961, 480, 3]);
      expect(Math.abs(out.length - 16000)).toBeLessThan(160);
      expect(frequencyOf(out, 16000)).toBeGreaterThan(430);
      expect(frequencyOf(out, 16000)).toBeLessThan(450);
    }
  });

  it('mixes stereo down to mono', () => {
    const tone = sine(300, 16000, 0.2, 2);
    const decoder = new AgentAudioDecoder({ sampleRateHz: 16000, channels: 2 }, 16000);
    const out = decodeInChunks(decoder, pcmBytes(tone), [7, 64]);
    expect(out.length).toBe(tone.length / 2);
    // Left v and right -v/2 average to v/4.
    const peak = out.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    expect(peak).toBeGreaterThan(1900);
    expect(peak).toBeLessThan(2100);
  });
});
