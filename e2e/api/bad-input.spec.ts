/**
 * Bad input, campaign-style (issue 14 §3): typed text with control and bidi characters, text
 * far over the limit in emoji, and an upload corpus for POST /api/v1/avatars. Each refusal is
 * a 4xx whose message says what is wrong, and nothing is stored: the avatar list is the same,
 * no temporary upload file stays behind, and no avatar directory appears without its source
 * (other tests' avatars may appear meanwhile: the suite runs in parallel).
 * Media is generated here (lib/testing/test-media.ts) from the demo portrait and ffmpeg.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import { makeAudioOnlyMp4, makePngBomb, makeSparseLongVideo } from '../../lib/testing/test-media';
import {
  createReadyAvatar,
  demoPortraitUpload,
  expect,
  expectApiError,
  listAvatarIds,
  postAvatar,
  test,
  waitForAvatar,
} from '../fixtures';
import { startSessionWhenFree } from '../support/live-session';
import { stackInfo } from '../support/stack-info';

let dir: string;
test.beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facecast-e2e-bad-input-'));
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const upload = (name: string, mimeType: string, buffer: Buffer) => ({ name, mimeType, buffer });

async function avatarDirs(): Promise<string[]> {
  return readdir(path.join(stackInfo().dataDir, 'avatars')).catch(() => []);
}
async function uploadTempFiles(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((f) => f.startsWith('facecast-upload-'));
}

/** Sends a refused upload and checks that nothing of it stayed: list, data dir, temp files. */
async function expectNothingStored(
  api: APIRequestContext,
  send: () => Promise<APIResponse>,
  check: (response: APIResponse) => Promise<unknown>,
): Promise<void> {
  const listed = await listAvatarIds(api);
  const dirs = new Set(await avatarDirs());
  const temp = new Set(await uploadTempFiles());
  await check(await send());
  expect(await listAvatarIds(api)).toEqual(listed);
  // Directories of avatars other tests created or deleted meanwhile hold their source file or
  // are gone within seconds (creation makes the directory, then writes the source into it;
  // deletion empties it, then removes it).
  const added = (await avatarDirs()).filter((d) => !dirs.has(d));
  await expect
    .poll(
      async () => {
        const stray: string[] = [];
        for (const name of added) {
          const files = await readdir(path.join(stackInfo().dataDir, 'avatars', name)).catch(
            () => null,
          );
          if (files && !files.some((f) => f.startsWith('source.'))) stray.push(name);
        }
        return stray;
      },
      { message: 'avatar directories without a source', timeout: 10_000 },
    )
    .toEqual([]);
  // Other tests' uploads are being validated meanwhile: theirs go away within seconds.
  await expect
    .poll(async () => (await uploadTempFiles()).filter((f) => !temp.has(f)), { timeout: 15_000 })
    .toEqual([]);
}

test.describe('typed text', () => {
  test('chat and messages: controls and bidi overrides removed, length counted in code points', async ({
    api,
  }) => {
    test.setTimeout(240_000);
    const avatar = await createReadyAvatar(api);
    const session = await startSessionWhenFree(api, avatar.id);
    try {
      const room = `/api/rooms/${session.id}`;
      // Questions wait for the host: stored and shown, but not said by the avatar (a chat
      // line from the owner would be a turn for it, and 500 emoji a long one).
      const chat = (text: string, kind = 'question') =>
        api.post(`${room}/chat`, { data: { text, kind } });
      const said = async (text: string, kind?: string) => {
        const response = await chat(text, kind);
        expect(response.status(), await response.text()).toBe(201);
        return ((await response.json()) as { text: string }).text;
      };
      // C0 (BEL, ESC, CR), DEL and C1 (NEL, CSI) controls go; line feed and tab stay.
      expect(await said('Hi the\u0007re\u001b[2J\r\u007f\u0085\u009b!\n\tnext line', 'chat')).toBe(
        'Hi there[2J!\n\tnext line',
      );
      // NUL is refused for the whole request body, before the text is looked at.
      await expectApiError(await chat('Hi\u0000there'), 422, 'unprocessable', /NUL character/);
      // An RTL override that would show "invoice_exe.pdf" as something else is removed, and
      // so are embeddings and isolates; right-to-left text itself is kept as it is.
      expect(await said('invoice_\u202Efdp.exe \u2066x\u2069 \u202Ay\u202C')).toBe(
        'invoice_fdp.exe x y',
      );
      expect(await said('שלום, مرحبا')).toBe('שלום, مرحبا');
      // 500 emoji are 500 characters (1 000 UTF-16 units): accepted, as 500 letters are.
      expect(await said('😀'.repeat(500))).toBe('😀'.repeat(500));
      await expectApiError(
        await chat('😀'.repeat(10_000)),
        422,
        'unprocessable',
        /at most 500 characters/,
      );
      await expectApiError(
        await chat('\u0007\u202E\u001b '),
        422,
        'unprocessable',
        /must not be empty/,
      );
      const state = (await (await api.get(room)).json()) as {
        chat: { text: string }[];
        questions: { text: string }[];
      };
      const texts = [...state.chat, ...state.questions].map((line) => line.text);
      expect(texts).toHaveLength(4);
      // eslint-disable-next-line no-control-regex -- looking for control characters
      expect(texts.join('')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);

      // The API's messages and speech: same cleaning and counting, limit 1 000.
      for (const route of ['messages', 'speak']) {
        const url = `/api/v1/sessions/${session.id}/${route}`;
        await expectApiError(
          await api.post(url, { data: { text: '😀'.repeat(10_000) } }),
          422,
          'unprocessable',
          /at most 1000 characters/,
        );
        await expectApiError(
          await api.post(url, { data: { text: '\u202E\u0008\u0085' } }),
          422,
          'unprocessable',
          /must not be empty/,
        );
      }
    } finally {
      await api.delete(`/api/v1/sessions/${session.id}`);
    }
  });
});

test.describe('upload corpus', () => {
  test('truncated JPEG and 0-byte file → 422, nothing stored', async ({ api }) => {
    const { buffer } = await demoPortraitUpload();
    await expectNothingStored(
      api,
      () =>
        postAvatar(api, {
          name: 'Cut',
          image: upload('cut.jpg', 'image/jpeg', buffer.subarray(0, buffer.length / 2)),
        }),
      (r) => expectApiError(r, 422, 'unprocessable', /incomplete or corrupt/),
    );
    await expectNothingStored(
      api,
      () =>
        postAvatar(api, {
          name: 'Empty',
          image: upload('empty.jpg', 'image/jpeg', Buffer.alloc(0)),
        }),
      (r) => expectApiError(r, 422, 'unprocessable', /empty/),
    );
  });

  test('a PNG bomb (30 000 × 30 000 in its header) → 422 naming the pixel limit', async ({
    api,
  }) => {
    const bomb = await makePngBomb();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expectNothingStored(
      api,
      () => postAvatar(api, { name: 'Bomb', image: upload('bomb.png', 'image/png', bomb) }),
      (r) =>
        expectApiError(
          r,
          422,
          'unprocessable',
          /30000 × 30000 pixels.*largest accepted is 50 megapixels/,
        ),
    );
  });

  test('an audio-only MP4 and a video whose header says 10 hours → 422, nothing stored', async ({
    api,
  }) => {
    const audio = await readFile(await makeAudioOnlyMp4(path.join(dir, 'tone.mp4')));
    await expectNothingStored(
      api,
      () =>
        api.post('/api/v1/avatars', {
          multipart: { name: 'Tone', video: upload('tone.mp4', 'video/mp4', audio) },
        }),
      (r) => expectApiError(r, 422, 'unprocessable', /no video picture/),
    );
    const long = await readFile(await makeSparseLongVideo(path.join(dir, 'ten-hours.mp4')));
    expect(long.length).toBeLessThan(100 * 1024);
    await expectNothingStored(
      api,
      () =>
        api.post('/api/v1/avatars', {
          multipart: { name: 'Ten hours', video: upload('long.mp4', 'video/mp4', long) },
        }),
      (r) => expectApiError(r, 422, 'unprocessable', /longer than 60 seconds/),
    );
  });

  test('a JPEG with a ZIP appended is accepted as its picture; what is served is re-encoded', async ({
    api,
  }) => {
    const { buffer } = await demoPortraitUpload();
    // A minimal ZIP: a local file header for "x.txt" and the end-of-central-directory record.
    const zip = Buffer.concat([
      Buffer.from('PK\u0003\u0004', 'latin1'),
      Buffer.alloc(26),
      Buffer.from('x.txtpayload', 'latin1'),
      Buffer.from('PK\u0005\u0006', 'latin1'),
      Buffer.alloc(18),
    ]);
    const response = await postAvatar(api, {
      name: 'Polyglot',
      image: upload('photo.jpg', 'image/jpeg', Buffer.concat([buffer, zip])),
    });
    expect(response.status(), await response.text()).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const done = await waitForAvatar(api, id);
    expect(done.status, done.error).toBe('ready');
    // The poster is the prepared frame, decoded and encoded again: the ZIP is not in it.
    const image = await api.get(`/api/v1/avatars/${id}/image`);
    expect(image.headers()['content-type']).toBe('image/png');
    expect((await image.body()).includes(Buffer.from('PK\u0003\u0004', 'latin1'))).toBe(false);
  });
});
