import { randomBytes } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import {
  createReadyAvatar,
  expect,
  expectApiError,
  startSession,
  test,
  uploadDemoAvatar,
} from '../fixtures';
import { listenToAvatar } from '../support/audio-listener';
import { decodeJwtPayload } from '../support/jwt';

/** RMS (16-bit units) above which a 10 ms audio frame counts as speech, not silence. */
const SPEECH_RMS = 300;

async function sessionIds(api: APIRequestContext): Promise<string[]> {
  const response = await api.get('/api/v1/sessions');
  expect(response.status()).toBe(200);
  return ((await response.json()) as { sessions: Array<{ id: string }> }).sessions.map((s) => s.id);
}

test.describe('sessions API', () => {
  test('refuses unknown or foreign avatars and malformed bodies, storing nothing', async ({
    api,
    newUser,
  }) => {
    const other = await newUser();
    const foreignAvatar = await uploadDemoAvatar(other.api);
    const before = await sessionIds(api);

    await expectApiError(
      await api.post('/api/v1/sessions', {
        data: { avatarId: `missing-${randomBytes(4).toString('hex')}` },
      }),
      404,
      'not_found',
      /Avatar not found/,
    );
    await expectApiError(
      await api.post('/api/v1/sessions', { data: { avatarId: foreignAvatar.id } }),
      404,
      'not_found',
      /Avatar not found/,
    );
    await expectApiError(
      await api.post('/api/v1/sessions', {
        headers: { 'content-type': 'application/json' },
        data: Buffer.from('{"avatarId": "abc"'),
      }),
      400,
      'bad_request',
      /not valid JSON/,
    );
    await expectApiError(
      await api.post('/api/v1/sessions', { data: {} }),
      422,
      'unprocessable',
      /avatarId is required/,
    );
    await expectApiError(
      await api.get(`/api/v1/sessions/missing-${randomBytes(4).toString('hex')}`),
      404,
      'not_found',
      /Session not found/,
    );
    await expectApiError(
      await api.delete(`/api/v1/sessions/missing-${randomBytes(4).toString('hex')}`),
      404,
      'not_found',
      /Session not found/,
    );
    expect(await sessionIds(api)).toEqual(before);
    expect(await sessionIds(other.api)).toEqual([]);
  });

  test('a live session: viewer tokens, speech that a subscriber hears, and stop', async ({
    api,
    newUser,
    sessionsToStop,
  }) => {
    const avatar = await createReadyAvatar(api);
    const session = await startSession(api, avatar.id);
    sessionsToStop.push({ api, id: session.id });
    expect(session).toMatchObject({
      id: expect.any(String),
      room: expect.stringMatching(/^fc-/),
      livekitUrl: expect.stringMatching(/^wss?:\/\//),
      viewerUrl: expect.stringMatching(/^http:\/\/localhost:\d+\/watch\//),
      status: 'live',
      publicViewing: false,
    });

    // The owner's token: subscribe, chat and talk (the microphone, no other media).
    const tokenResponse = await api.post(`/api/v1/sessions/${session.id}/tokens`);
    expect(tokenResponse.status(), await tokenResponse.text()).toBe(200);
    const grant = (await tokenResponse.json()) as {
      livekitUrl: string;
      token: string;
      identity: string;
      mayTalk: boolean;
    };
    expect(grant.livekitUrl).toBe(session.livekitUrl);
    expect(grant.mayTalk).toBe(true);
    expect(grant.identity).toMatch(/^viewer-/);
    const claims = decodeJwtPayload(grant.token);
    expect(claims.sub).toBe(grant.identity);
    expect(claims.video).toMatchObject({
      room: session.room,
      roomJoin: true,
      canSubscribe: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: true,
    });
    expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);

    // Another user can neither see the session nor get a token for it.
    const other = await newUser();
    await expectApiError(
      await other.api.post(`/api/v1/sessions/${session.id}/tokens`),
      404,
      'not_found',
      /Session not found/,
    );
    await expectApiError(await other.api.get(`/api/v1/sessions/${session.id}`), 404, 'not_found');
    await expectApiError(
      await other.api.post(`/api/v1/sessions/${session.id}/speak`, { data: { text: 'hi' } }),
      404,
      'not_found',
    );
    await expectApiError(
      await other.api.delete(`/api/v1/sessions/${session.id}`),
      404,
      'not_found',
    );

    // Bad speech requests.
    const speakUrl = `/api/v1/sessions/${session.id}/speak`;
    await expectApiError(
      await api.post(speakUrl, { data: { text: '' } }),
      422,
      'unprocessable',
      /empty/,
    );
    await expectApiError(
      await api.post(speakUrl, { data: { text: '   ' } }),
      422,
      'unprocessable',
      /empty/,
    );
    await expectApiError(
      await api.post(speakUrl, { data: {} }),
      422,
      'unprocessable',
      /text is required/,
    );
    await expectApiError(
      await api.post(speakUrl, { data: { text: 'a'.repeat(10_000) } }),
      422,
      'unprocessable',
      /at most 1000 characters/,
    );

    // A real subscriber (rtc-node, with the viewer token) hears the avatar speak.
    const listener = await listenToAvatar({ livekitUrl: grant.livekitUrl, token: grant.token });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const idlePeak = Math.max(0, ...listener.levels.map((l) => l.rms));
      expect(idlePeak, 'the avatar should be silent before it is asked to speak').toBeLessThan(
        SPEECH_RMS,
      );
      const sentAt = performance.now();
      const spoken = await api.post(speakUrl, {
        data: { text: 'Hello from the REST API. This is a test of the speaking avatar.' },
      });
      expect(spoken.status(), await spoken.text()).toBe(202);
      expect(await spoken.json()).toEqual({ accepted: true });
      await expect
        .poll(() => listener.levels.some((l) => l.atMs > sentAt && l.rms > SPEECH_RMS), {
          timeout: 10_000,
          message: 'no audible speech reached the subscriber within 10 s of POST /speak',
        })
        .toBe(true);
      const first = listener.levels.find((l) => l.atMs > sentAt && l.rms > SPEECH_RMS);
      test.info().annotations.push({
        type: 'speak→audio latency (rtc-node subscriber)',
        description: `${Math.round((first?.atMs ?? 0) - sentAt)} ms`,
      });
      console.log(
        `api: speak → first audible audio at the subscriber: ${Math.round((first?.atMs ?? 0) - sentAt)} ms`,
      );
    } finally {
      await listener.leave();
    }

    // Stop: 204, then the session refuses tokens and speech with a clear message.
    const stopped = await api.delete(`/api/v1/sessions/${session.id}`);
    expect(stopped.status()).toBe(204);
    const after = await api.get(`/api/v1/sessions/${session.id}`);
    expect(after.status()).toBe(200);
    expect(await after.json()).toMatchObject({
      id: session.id,
      status: 'ended',
      endedAt: expect.any(String),
    });
    await expectApiError(
      await api.post(`/api/v1/sessions/${session.id}/tokens`),
      409,
      'conflict',
      /session has ended/,
    );
    await expectApiError(
      await api.post(speakUrl, { data: { text: 'hello?' } }),
      409,
      'conflict',
      /ended/,
    );
    // Stopping twice is harmless.
    expect((await api.delete(`/api/v1/sessions/${session.id}`)).status()).toBe(204);
  });

  test('deleting an avatar ends its live session', async ({ api, sessionsToStop }) => {
    const avatar = await createReadyAvatar(api);
    const session = await startSession(api, avatar.id);
    sessionsToStop.push({ api, id: session.id });
    expect((await api.delete(`/api/v1/avatars/${avatar.id}`)).status()).toBe(204);
    await expectApiError(await api.get(`/api/v1/avatars/${avatar.id}`), 404, 'not_found');
    // Its sessions go with it (ended first, then removed with the avatar).
    await expectApiError(await api.get(`/api/v1/sessions/${session.id}`), 404, 'not_found');
    expect(await sessionIds(api)).toEqual([]);
  });
});
