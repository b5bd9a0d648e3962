import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../tts/wav';
import { ClipError, fetchClip } from './fetch-clip';

/** A local server standing in for the app's clip route. */
let server: Server;
let base: string;
const tone = Int16Array.from({ length: 16_000 }, (_, i) =>
  Math.round(8_000 * Math.sin((2 * Math.PI * 440 * i) / 16_000)),
);

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/clip.wav':
        res.writeHead(200, { 'content-type': 'audio/wav' }).end(encodeWav(tone, 16_000));
        return;
      case '/stereo-float.wav': {
        // Two channels of 32-bit float: the reader mixes them to mono.
        const frames = 100;
        const out = Buffer.alloc(44 + frames * 8);
        out.write('RIFF', 0, 'ascii');
        out.writeUInt32LE(36 + frames * 8, 4);
        out.write('WAVEfmt ', 8, 'ascii');
        out.writeUInt32LE(16, 16);
        out.writeUInt16LE(3, 20);
        out.writeUInt16LE(2, 22);
        out.writeUInt32LE(24_000, 24);
        out.writeUInt32LE(24_000 * 8, 28);
        out.writeUInt16LE(8, 32);
        out.writeUInt16LE(32, 34);
        out.write('data', 36, 'ascii');
        out.writeUInt32LE(frames * 8, 40);
        for (let i = 0; i < frames; i++) {
          out.writeFloatLE(0.5, 44 + i * 8);
          out.writeFloatLE(0, 48 + i * 8);
        }
        res.writeHead(200).end(out);
        return;
      }
      case '/huge-chunked':
        // No content-length: the cap applies as the body streams in.
        res.writeHead(200);
        for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024));
        res.end();
        return;
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('not audio at all');
        return;
      case '/slow':
        setTimeout(() => res.writeHead(200).end(encodeWav(tone, 16_000)), 2_000).unref();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchClip', () => {
  it('fetches and reads a 16 kHz mono WAV', async () => {
    const clip = await fetchClip(`${base}/clip.wav`);
    expect(clip.sampleRateHz).toBe(16_000);
    expect(clip.pcm).toEqual(tone);
  });

  it('mixes other WAVE layouts to mono at their own rate', async () => {
    const clip = await fetchClip(`${base}/stereo-float.wav`);
    expect(clip.sampleRateHz).toBe(24_000);
    expect(clip.pcm).toHaveLength(100);
    expect(clip.pcm[0]).toBe(Math.round((0.5 * 32767) / 2));
  });

  it('refuses what is not a clip: 404, not WAVE, too large, too slow, unreachable', async () => {
    await expect(fetchClip(`${base}/gone`)).rejects.toThrow(/HTTP 404/);
    await expect(fetchClip(`${base}/text`)).rejects.toThrow(/not a WAVE file/);
    await expect(fetchClip(`${base}/huge-chunked`, { maxBytes: 1024 * 1024 })).rejects.toThrow(
      /larger than 1048576 bytes/,
    );
    await expect(fetchClip(`${base}/clip.wav`, { maxBytes: 1000 })).rejects.toThrow(/larger/);
    await expect(fetchClip(`${base}/slow`, { timeoutMs: 200 })).rejects.toThrow(
      /did not arrive within 0.2 s/,
    );
    await expect(fetchClip('http://127.0.0.1:1/clip.wav')).rejects.toBeInstanceOf(ClipError);
  });
});
