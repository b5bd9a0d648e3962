import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffMedia } from './sniff-media';
import {
  makeAudioOnlyMp4,
  makeHugeFrameVideo,
  makeLongVideo,
  makePortraitVideo,
} from '../testing/test-media';
import { validateUpload } from './validate-upload';
import { probeVideo } from './video-tools';

const MB = 1024 * 1024;
let dir: string;
let mp4: Buffer;
let webm: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facecast-upload-'));
  mp4 = await readFile(
    await makePortraitVideo({ out: path.join(dir, 'a.mp4'), format: 'mp4', seconds: 1 }),
  );
  webm = await readFile(
    await makePortraitVideo({ out: path.join(dir, 'a.webm'), format: 'webm', seconds: 1 }),
  );
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sniffMedia', () => {
  it('recognises images and videos from their bytes', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(sniffMedia(png)).toBe('image/png');
    expect(sniffMedia(mp4)).toBe('video/mp4');
    expect(sniffMedia(webm)).toBe('video/webm');
  });

  it('refuses still-image containers that look like MP4, and text', () => {
    const heic = Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'binary');
    expect(sniffMedia(heic)).toBeNull();
    expect(sniffMedia(new TextEncoder().encode('<html>not a video</html>'))).toBeNull();
  });
});

describe('validateUpload', () => {
  it('accepts an MP4 and a WebM video as videos', async () => {
    expect(await validateUpload(mp4, { maxImageBytes: MB })).toEqual({
      contentType: 'video/mp4',
      extension: 'mp4',
      kind: 'video',
    });
    expect(await validateUpload(webm, { maxImageBytes: MB })).toMatchObject({
      kind: 'video',
      extension: 'webm',
    });
  });

  it('refuses a video over its own limit with 413, and keeps the image limit for images', async () => {
    await expect(
      validateUpload(mp4, { maxImageBytes: 100 * MB, maxVideoBytes: mp4.length - 1 }),
    ).rejects.toMatchObject({ code: 'payload_too_large', message: /video is larger than/ });
    // The video limit is larger than the image one: the same bytes as a video are fine.
    expect((await validateUpload(mp4, { maxImageBytes: 1 })).kind).toBe('video');
  });

  it('refuses an audio-only MP4, a video over 60 s and a cut-off video with 422', async () => {
    const audio = await readFile(await makeAudioOnlyMp4(path.join(dir, 'audio.mp4')));
    await expect(validateUpload(audio, { maxImageBytes: MB })).rejects.toMatchObject({
      code: 'unprocessable',
      message: /no video picture/,
    });
    const long = await readFile(await makeLongVideo(path.join(dir, 'long.mp4')));
    await expect(validateUpload(long, { maxImageBytes: MB })).rejects.toMatchObject({
      code: 'unprocessable',
      message: /longer than 60 seconds/,
    });
    const cut = mp4.subarray(0, 200);
    await expect(validateUpload(cut, { maxImageBytes: MB })).rejects.toMatchObject({
      code: 'unprocessable',
      message: /could not be read/,
    });
  }, 60_000);

  it('refuses a video picture larger than 8K with 422, saying so', async () => {
    const huge = await readFile(await makeHugeFrameVideo(path.join(dir, 'huge.mp4'), 8000, 4500));
    await expect(validateUpload(huge, { maxImageBytes: MB })).rejects.toMatchObject({
      code: 'unprocessable',
      message: /larger than 8K/,
    });
  }, 60_000);

  it('never lets a playlist inside an upload reach the network', async () => {
    const requests: string[] = [];
    const server = http.createServer((request, response) => {
      requests.push(request.url ?? '');
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const playlist = path.join(dir, 'playlist.mp4');
    await writeFile(
      playlist,
      `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:${port}/segment.ts\n#EXT-X-ENDLIST\n`,
    );
    try {
      await expect(probeVideo(playlist)).rejects.toMatchObject({ code: 'unreadable_video' });
      expect(requests).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('refuses other files with 415 and an empty one with 422', async () => {
    await expect(
      validateUpload(new TextEncoder().encode('%PDF-1.7 hello'), { maxImageBytes: MB }),
    ).rejects.toMatchObject({ code: 'unsupported_media_type', message: /MP4 or WebM/ });
    await expect(validateUpload(new Uint8Array(0), { maxImageBytes: MB })).rejects.toMatchObject({
      code: 'unprocessable',
      message: /empty/,
    });
  });
});
