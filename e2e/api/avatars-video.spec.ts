/**
 * Video avatars and preparation refusals through the API. Every input is generated here
 * with ffmpeg/sharp from the demo portrait (lib/testing/test-media.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  makeAudioOnlyMp4,
  makeLongVideo,
  makePortraitVideo,
  makeTwoFacesImage,
} from '../../lib/testing/test-media';
import {
  demoPortraitUpload,
  expect,
  expectApiError,
  listAvatarIds,
  test,
  waitForAvatar,
} from '../fixtures';

interface AvatarView {
  id: string;
  status: 'preparing' | 'ready' | 'failed';
  error?: string;
  progress: number;
  stage?: string;
  sourceKind: 'image' | 'video';
  framing: string;
  widthPx?: number;
  heightPx?: number;
  frameCount?: number;
}

let dir: string;
let mp4: Buffer;
test.beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facecast-e2e-video-'));
  mp4 = await readFile(
    await makePortraitVideo({ out: path.join(dir, 'drift.mp4'), format: 'mp4', withAudio: true }),
  );
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const upload = (name: string, mimeType: string, buffer: Buffer) => ({ name, mimeType, buffer });

test.describe('video avatars', () => {
  test('an MP4 becomes a ready 1280×720 video avatar, with progress shown while preparing', async ({
    api,
  }) => {
    const response = await api.post('/api/v1/avatars', {
      multipart: {
        name: 'Moving Mona',
        video: upload('mona.mp4', 'video/mp4', mp4),
        framing: 'wide-720p',
      },
    });
    expect(response.status(), await response.text()).toBe(201);
    const created = (await response.json()) as AvatarView;
    expect(created).toMatchObject({
      status: 'preparing',
      sourceKind: 'video',
      framing: 'wide-720p',
      progress: 0,
    });

    // Progress climbs (never falls) with a stage, until ready at 100.
    const seen: AvatarView[] = [];
    await expect
      .poll(
        async () => {
          const body = (await (
            await api.get(`/api/v1/avatars/${created.id}`)
          ).json()) as AvatarView;
          seen.push(body);
          return body.status;
        },
        { timeout: 120_000, intervals: [300] },
      )
      .not.toBe('preparing');
    const done = seen.at(-1)!;
    expect(done.status, done.error).toBe('ready');
    expect(done).toMatchObject({ progress: 100, widthPx: 1280, heightPx: 720, frameCount: 75 });
    const progress = seen.map((body) => body.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(seen.some((body) => body.progress > 0 && body.progress < 100 && body.stage)).toBe(true);

    // The poster (frame 0) is what thumbnails show.
    const poster = await api.get(`/api/v1/avatars/${created.id}/image`);
    expect(poster.status()).toBe(200);
    expect(poster.headers()['content-type']).toBe('image/png');
    const listed = (await (await api.get('/api/v1/avatars')).json()) as { avatars: AvatarView[] };
    expect(listed.avatars.find((a) => a.id === created.id)).toMatchObject({
      sourceKind: 'video',
      frameCount: 75,
    });
  });

  test('a WebM in the "file" field is accepted as a video', async ({ api }) => {
    const webm = await readFile(
      await makePortraitVideo({ out: path.join(dir, 'one.webm'), format: 'webm', seconds: 1 }),
    );
    const response = await api.post('/api/v1/avatars', {
      multipart: { name: 'WebM', file: upload('clip.webm', 'video/webm', webm) },
    });
    expect(response.status(), await response.text()).toBe(201);
    const created = (await response.json()) as AvatarView;
    expect(created.sourceKind).toBe('video');
    const done = await waitForAvatar(api, created.id, 120_000);
    expect(done.status, done.error).toBe('ready');
  });
});

test.describe('refused uploads store nothing', () => {
  test('audio-only MP4 → 422 naming the missing picture', async ({ api }) => {
    const before = await listAvatarIds(api);
    const audio = await readFile(await makeAudioOnlyMp4(path.join(dir, 'tone.mp4')));
    await expectApiError(
      await api.post('/api/v1/avatars', {
        multipart: { name: 'Tone', video: upload('tone.mp4', 'video/mp4', audio) },
      }),
      422,
      'unprocessable',
      /no video picture/,
    );
    expect(await listAvatarIds(api)).toEqual(before);
  });

  test('a video over 60 s → 422 asking to trim it', async ({ api }) => {
    const long = await readFile(await makeLongVideo(path.join(dir, 'long.mp4')));
    await expectApiError(
      await api.post('/api/v1/avatars', {
        multipart: { name: 'Long', video: upload('long.mp4', 'video/mp4', long) },
      }),
      422,
      'unprocessable',
      /longer than 60 seconds.*Trim/,
    );
    expect(await listAvatarIds(api)).toEqual([]);
  });

  test('a cut-off MP4 → 422; an unknown framing → 422; two files → 422', async ({ api }) => {
    await expectApiError(
      await api.post('/api/v1/avatars', {
        multipart: { name: 'Cut', video: upload('cut.mp4', 'video/mp4', mp4.subarray(0, 300)) },
      }),
      422,
      'unprocessable',
      /could not be read/,
    );
    await expectApiError(
      await api.post('/api/v1/avatars', {
        multipart: { name: 'Huge', image: await demoPortraitUpload(), framing: '4k' },
      }),
      422,
      'unprocessable',
      /framing must be one of: square-512, square-720, wide-720p/,
    );
    await expectApiError(
      await api.post('/api/v1/avatars', {
        multipart: {
          name: 'Both',
          image: await demoPortraitUpload(),
          video: upload('mona.mp4', 'video/mp4', mp4),
        },
      }),
      422,
      'unprocessable',
      /exactly one file/,
    );
    expect(await listAvatarIds(api)).toEqual([]);
  });

  test('a body over 100 MB → 413 before it is read', async ({ api }) => {
    const big = Buffer.alloc(101 * 1024 * 1024, 0x42);
    mp4.copy(big, 0, 0, 64);
    await expectApiError(
      await api.post('/api/v1/avatars', {
        multipart: { name: 'Huge', video: upload('huge.mp4', 'video/mp4', big) },
      }),
      413,
      'payload_too_large',
      /larger than 100 MB/,
    );
    expect(await listAvatarIds(api)).toEqual([]);
  });

  test('two people in one photo → 201, then failed with a reason asking for one person', async ({
    api,
  }) => {
    const response = await api.post('/api/v1/avatars', {
      multipart: {
        name: 'Twins',
        image: upload('twins.png', 'image/png', await makeTwoFacesImage()),
      },
    });
    expect(response.status(), await response.text()).toBe(201);
    const done = await waitForAvatar(api, ((await response.json()) as AvatarView).id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/More than one face.*exactly one person/);
  });
});
