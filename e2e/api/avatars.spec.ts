import { loadNoFaceImage } from '../../lib/avatars/demo-portrait';
import {
  demoPortraitUpload,
  expect,
  expectApiError,
  listAvatarIds,
  postAvatar,
  test,
  uploadDemoAvatar,
  waitForAvatar,
} from '../fixtures';

test.describe('POST /api/v1/avatars', () => {
  test('a portrait becomes a ready avatar that can be read, listed and deleted', async ({
    api,
  }) => {
    const created = await uploadDemoAvatar(api, 'Museum guide');
    expect(created).toMatchObject({
      id: expect.any(String),
      name: 'Museum guide',
      status: 'preparing',
    });
    const ready = await waitForAvatar(api, created.id);
    expect(ready.status, ready.error).toBe('ready');
    expect(ready).not.toHaveProperty('error');
    expect(await listAvatarIds(api)).toEqual([created.id]);

    const image = await api.get(`/api/v1/avatars/${created.id}/image`);
    expect(image.status()).toBe(200);
    expect(image.headers()['content-type']).toMatch(/^image\//);

    const deleted = await api.delete(`/api/v1/avatars/${created.id}`);
    expect(deleted.status()).toBe(204);
    await expectApiError(
      await api.get(`/api/v1/avatars/${created.id}`),
      404,
      'not_found',
      /Avatar not found/,
    );
    await expectApiError(await api.delete(`/api/v1/avatars/${created.id}`), 404, 'not_found');
    expect(await listAvatarIds(api)).toEqual([]);
  });

  test('a text file named .jpg → 415, nothing stored', async ({ api }) => {
    const before = await listAvatarIds(api);
    const response = await postAvatar(api, {
      name: 'Not an image',
      image: {
        name: 'portrait.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from('hello, I am text\n'.repeat(50)),
      },
    });
    await expectApiError(response, 415, 'unsupported_media_type', /not a JPEG, PNG or WebP/);
    expect(await listAvatarIds(api)).toEqual(before);
  });

  test('a truncated JPEG → 422, nothing stored', async ({ api }) => {
    const before = await listAvatarIds(api);
    const { buffer } = await demoPortraitUpload();
    const truncated = buffer.subarray(0, Math.floor(buffer.length * 0.6));
    const response = await postAvatar(api, {
      name: 'Cut off',
      image: { name: 'portrait.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(truncated) },
    });
    await expectApiError(response, 422, 'unprocessable', /incomplete or corrupt/);
    expect(await listAvatarIds(api)).toEqual(before);
  });

  test('a body over 10 MB → 413, nothing stored', async ({ api }) => {
    const before = await listAvatarIds(api);
    const big = Buffer.alloc(11 * 1024 * 1024, 0x42);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const response = await postAvatar(api, {
      name: 'Huge',
      image: { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: big },
    });
    await expectApiError(response, 413, 'payload_too_large', /larger than 10 MB/);
    expect(await listAvatarIds(api)).toEqual(before);
  });

  test('an image without a face → 201, then failed with a reason naming the face', async ({
    api,
  }) => {
    const response = await postAvatar(api, {
      name: 'Landscape',
      image: { name: 'landscape.png', mimeType: 'image/png', buffer: await loadNoFaceImage() },
    });
    expect(response.status(), await response.text()).toBe(201);
    const created = (await response.json()) as { id: string };
    const done = await waitForAvatar(api, created.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/face/i);
    // A failed avatar cannot start a session, and says why.
    await expectApiError(
      await api.post('/api/v1/sessions', { data: { avatarId: created.id } }),
      409,
      'conflict',
      /face/i,
    );
  });

  test('missing name or image → 422, nothing stored', async ({ api }) => {
    const before = await listAvatarIds(api);
    await expectApiError(
      await postAvatar(api, { image: await demoPortraitUpload() }),
      422,
      'unprocessable',
      /name/i,
    );
    await expectApiError(
      await postAvatar(api, { name: '   ', image: await demoPortraitUpload() }),
      422,
      'unprocessable',
      /name/i,
    );
    await expectApiError(
      await postAvatar(api, { name: 'No image' }),
      422,
      'unprocessable',
      /image/,
    );
    await expectApiError(
      await api.post('/api/v1/avatars', { data: { name: 'json' } }),
      400,
      'bad_request',
      /multipart\/form-data/,
    );
    expect(await listAvatarIds(api)).toEqual(before);
  });

  test("another user's avatar is not found", async ({ api, newUser }) => {
    const mine = await uploadDemoAvatar(api);
    const other = await newUser();
    await expectApiError(await other.api.get(`/api/v1/avatars/${mine.id}`), 404, 'not_found');
    await expectApiError(await other.api.delete(`/api/v1/avatars/${mine.id}`), 404, 'not_found');
    expect(await listAvatarIds(api)).toEqual([mine.id]);
    await waitForAvatar(api, mine.id);
  });
});

test.describe('avatar voices', () => {
  test('voices are listed; an avatar takes a voice and rate at upload and can change them', async ({
    api,
    newUser,
  }) => {
    const voices = (await (await api.get('/api/v1/voices')).json()) as {
      voices: { id: string; label: string }[];
      default: string;
    };
    expect(voices.voices.map((v) => v.id)).toEqual(['slt', 'kal16', 'rms', 'awb']);
    expect(voices.default).toBe('slt');

    const upload = await demoPortraitUpload();
    const created = await api.post('/api/v1/avatars', {
      multipart: { name: 'Kal', image: upload, voice: 'kal16', speechRate: '1.25' },
    });
    expect(created.status()).toBe(201);
    const avatar = (await created.json()) as { id: string; voice: string; speechRate: number };
    expect([avatar.voice, avatar.speechRate]).toEqual(['kal16', 1.25]);

    const changed = await api.patch(`/api/v1/avatars/${avatar.id}`, {
      data: { voice: 'awb', speechRate: 0.75 },
    });
    expect(changed.status()).toBe(200);
    expect(await changed.json()).toMatchObject({ voice: 'awb', speechRate: 0.75 });

    await expectApiError(
      await api.patch(`/api/v1/avatars/${avatar.id}`, { data: { voice: 'robot' } }),
      422,
      'unprocessable',
      /voice must be one of: slt, kal16, rms, awb/,
    );
    await expectApiError(
      await api.patch(`/api/v1/avatars/${avatar.id}`, { data: { speechRate: 3 } }),
      422,
      'unprocessable',
      /at most 2/,
    );
    await expectApiError(
      await api.post('/api/v1/avatars', {
        multipart: { name: 'Robot', image: upload, voice: 'robot' },
      }),
      422,
      'unprocessable',
      /voice must be one of/,
    );
    const other = await newUser();
    await expectApiError(
      await other.api.patch(`/api/v1/avatars/${avatar.id}`, { data: { voice: 'slt' } }),
      404,
      'not_found',
    );
    expect(await listAvatarIds(api)).toEqual([avatar.id]);
    await waitForAvatar(api, avatar.id);
  });
});
