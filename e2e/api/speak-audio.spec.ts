/**
 * Speak audio end to end: a clip uploaded to a live session is decoded by the app, fetched by
 * the session process from the app's one-time clip URL and played (its turn appears in the
 * transcript); bad uploads are refused with the status that says why.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createReadyAvatar, expect, expectApiError, startSession, test } from '../fixtures';

const execFileAsync = promisify(execFile);

interface Turn {
  role: 'user' | 'avatar';
  text: string;
  interrupted: boolean;
}

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-e2e-clip-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 440 Hz tone of `seconds`, encoded by ffmpeg (the format follows the name). */
async function tone(name: string, seconds: number): Promise<Buffer> {
  const file = path.join(dir, name);
  await execFileAsync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`],
    file,
  ]);
  return readFile(file);
}

const file = (name: string, mimeType: string, buffer: Buffer) => ({ name, mimeType, buffer });

test.describe('speak audio API', () => {
  test('a clip is played and shown in the transcript; bad uploads are refused', async ({
    api,
    newUser,
    sessionsToStop,
  }) => {
    const avatar = await createReadyAvatar(api);
    const session = await startSession(api, avatar.id);
    sessionsToStop.push({ api, id: session.id });
    const url = `/api/v1/sessions/${session.id}/speak-audio`;

    const wav = await api.post(url, {
      multipart: { audio: file('hello.wav', 'audio/wav', await tone('hello.wav', 1)) },
    });
    expect(wav.status(), await wav.text()).toBe(202);
    const accepted = (await wav.json()) as { accepted: boolean; durationMs: number };
    expect(accepted.accepted).toBe(true);
    expect(accepted.durationMs).toBeGreaterThanOrEqual(990);
    expect(accepted.durationMs).toBeLessThanOrEqual(1_010);
    // The session process fetched the clip from the app and played it to the end.
    await expect
      .poll(
        async () =>
          (
            (await (await api.get(`/api/v1/sessions/${session.id}/transcript`)).json()) as {
              turns: Turn[];
            }
          ).turns,
        { timeout: 20_000 },
      )
      .toEqual([
        {
          role: 'avatar',
          text: '[audio clip]',
          interrupted: false,
          startedAt: expect.any(String),
          endedAt: expect.any(String),
        },
      ]);

    const mp3 = await api.post(url, {
      multipart: {
        audio: file('clip.mp3', 'audio/mpeg', await tone('clip.mp3', 1)),
        interrupt: 'true',
      },
    });
    expect(mp3.status(), await mp3.text()).toBe(202);

    await expectApiError(
      await api.post(url, {
        multipart: { audio: file('notes.txt', 'text/plain', Buffer.from('not audio at all')) },
      }),
      415,
      'unsupported_media_type',
      /WAV, MP3, OGG or WebM/,
    );
    // The browser's claim counts for nothing: a text file named .wav is still text.
    await expectApiError(
      await api.post(url, {
        multipart: { audio: file('fake.wav', 'audio/wav', Buffer.from('RIFF but no WAVE here')) },
      }),
      415,
      'unsupported_media_type',
    );
    const huge = Buffer.alloc(21 * 1024 * 1024, 0x42);
    (await tone('head.wav', 0.1)).copy(huge, 0, 0, 44);
    await expectApiError(
      await api.post(url, { multipart: { audio: file('huge.wav', 'audio/wav', huge) } }),
      413,
      'payload_too_large',
      /larger than 20 MB/,
    );
    await expectApiError(
      await api.post(url, {
        multipart: { audio: file('long.mp3', 'audio/mpeg', await tone('long.mp3', 61)) },
      }),
      422,
      'unprocessable',
      /the limit is 60 seconds/,
    );
    await expectApiError(
      await api.post(url, { multipart: { clip: file('a.wav', 'audio/wav', Buffer.alloc(8)) } }),
      422,
      'unprocessable',
      /Missing "audio"/,
    );

    // Another user's session does not exist for them.
    const other = await newUser();
    await expectApiError(
      await other.api.post(url, {
        multipart: { audio: file('hello.wav', 'audio/wav', await tone('other.wav', 1)) },
      }),
      404,
      'not_found',
      /Session not found/,
    );

    // An ended session cannot play anything.
    expect((await api.delete(`/api/v1/sessions/${session.id}`)).status()).toBe(204);
    await expectApiError(
      await api.post(url, {
        multipart: { audio: file('late.wav', 'audio/wav', await tone('late.wav', 1)) },
      }),
      409,
      'conflict',
      /has ended/,
    );
  });
});
