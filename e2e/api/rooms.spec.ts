/**
 * Rooms through the API: guests join a shared session with display names, chat and ask
 * questions through the app (stored, rate limited, muted), the host approves or dismisses,
 * removes people, locks the room and rotates its link. Real LiveKit: a removed guest who
 * comes back with its still-valid token is taken out again by the webhook.
 */
import { type APIRequestContext, request as playwrightRequest } from '@playwright/test';
import { RoomEvent } from '@livekit/rtc-node';
import { joinAsSubscriber } from '../../tests/integration/support/subscriber';
import { createReadyAvatar, expect, expectApiError, startSession, test } from '../fixtures';
import { decodeJwtPayload } from '../support/jwt';
import { E2E_APP_URL } from '../support/stack-info';

interface Grant {
  livekitUrl: string;
  token: string;
  identity: string;
  name: string;
  role: string;
  sessionId: string;
  expiresAt: string;
}

interface RoomState {
  chat: { text: string }[];
  questions: { id: string }[];
}

const bearer = (grant: Grant) => ({ authorization: `Bearer ${grant.token}` });

async function guestJoin(guest: APIRequestContext, viewerUrl: string, name: string) {
  const key = new URL(viewerUrl).pathname.split('/').pop();
  const response = await guest.post(`/api/watch/${key}/token`, { data: { name } });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Grant;
}

test('a shared room: names, chat, questions, mutes, removal, lock and link rotation', async ({
  api,
  newUser,
}) => {
  test.setTimeout(180_000);
  const avatar = await createReadyAvatar(api);
  const session = await startSession(api, avatar.id);
  const guest = await playwrightRequest.newContext({ baseURL: E2E_APP_URL });
  try {
    const key = new URL(session.viewerUrl).pathname.split('/').pop()!;
    // Private until the owner shares it: same answer as an unknown link.
    await expectApiError(
      await guest.post(`/api/watch/${key}/token`, { data: { name: 'Ann' } }),
      404,
      'not_found',
    );
    expect(
      (
        await api.patch(`/api/v1/sessions/${session.id}`, { data: { publicViewing: true } })
      ).status(),
    ).toBe(200);

    // A name is required, sanitised (controls, bidi overrides) and cut at 40 characters.
    await expectApiError(
      await guest.post(`/api/watch/${key}/token`, { data: {} }),
      422,
      'unprocessable',
      /display name/,
    );
    await expectApiError(
      await guest.post(`/api/watch/${key}/token`, { data: { name: 42 } }),
      422,
      'unprocessable',
    );
    const ann = await guestJoin(guest, session.viewerUrl, '  Ann\u202e\u0007   Lee ');
    expect(ann.name).toBe('Ann Lee');
    expect(ann.role).toBe('guest');
    const long = await guestJoin(guest, session.viewerUrl, 'B'.repeat(60));
    expect(long.name).toHaveLength(40);
    // Short-lived, and no data publishing: chat goes through the app.
    const claims = decodeJwtPayload(ann.token);
    expect(Number(claims.exp) - Number(claims.iat ?? claims.nbf)).toBeLessThanOrEqual(15 * 60);
    expect(claims.video).toMatchObject({ canPublishData: false, canSubscribe: true });

    const room = `/api/rooms/${session.id}`;
    // Chat: stored with the sender's name, seen in the room's state by everyone.
    const said = await guest.post(`${room}/chat`, {
      headers: bearer(ann),
      data: { text: 'Hello everyone' },
    });
    expect(said.status(), await said.text()).toBe(201);
    expect(await said.json()).toMatchObject({
      name: 'Ann Lee',
      text: 'Hello everyone',
      kind: 'chat',
    });
    const state = (await (await guest.get(room, { headers: bearer(long) })).json()) as RoomState;
    expect(state.chat.map((l) => l.text)).toContain('Hello everyone');
    await expectApiError(
      await guest.post(`${room}/chat`, { headers: bearer(ann), data: { text: 'x'.repeat(501) } }),
      422,
      'unprocessable',
      /500 characters/,
    );
    await expectApiError(
      await guest.post(`${room}/chat`, { headers: bearer(ann), data: { text: 7 } }),
      422,
      'unprocessable',
    );
    await expectApiError(
      await guest.post(`${room}/chat`, { data: { text: 'no token' } }),
      401,
      'unauthorized',
    );

    // Rate limit: 5 lines per 10 s per participant (one used above).
    for (let i = 0; i < 4; i++) {
      const r = await guest.post(`${room}/chat`, {
        headers: bearer(ann),
        data: { text: `line ${i}` },
      });
      expect(r.status(), await r.text()).toBe(201);
    }
    const limited = await guest.post(`${room}/chat`, {
      headers: bearer(ann),
      data: { text: 'spam' },
    });
    const error = await expectApiError(limited, 429, 'rate_limited', /at most 5 messages/);
    expect(Number(limited.headers()['retry-after'])).toBeGreaterThan(0);
    expect((error as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);

    // Questions: a guest asks; guests cannot approve; the host approves once.
    const asked = await guest.post(`${room}/chat`, {
      headers: bearer(long),
      data: { text: 'What is your name?', kind: 'question' },
    });
    expect(asked.status()).toBe(201);
    const question = (await asked.json()) as { id: string; status: string };
    expect(question.status).toBe('pending');
    await expectApiError(
      await guest.post(`${room}/questions/${question.id}`, {
        headers: bearer(ann),
        data: { action: 'approve' },
      }),
      403,
      'forbidden',
      /host or a moderator/,
    );
    const approved = await api.post(`${room}/questions/${question.id}`, {
      data: { action: 'approve' },
    });
    expect(approved.status(), await approved.text()).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'approved' });
    await expectApiError(
      await api.post(`${room}/questions/${question.id}`, { data: { action: 'dismiss' } }),
      409,
      'conflict',
      /already approved/,
    );
    const after = (await (await guest.get(room, { headers: bearer(ann) })).json()) as RoomState;
    expect(after.questions).toEqual([]);

    // Mute: the muted guest's chat is refused, with why.
    expect(
      (
        await api.post(`${room}/participants/${long.identity}`, { data: { action: 'mute' } })
      ).status(),
    ).toBe(200);
    await expectApiError(
      await guest.post(`${room}/chat`, { headers: bearer(long), data: { text: 'hi' } }),
      403,
      'forbidden',
      /muted/,
    );

    // Another user cannot see or run this room.
    const other = await newUser();
    await expectApiError(await other.api.get(room), 404, 'not_found');
    await expectApiError(await other.api.patch(room, { data: { locked: true } }), 404, 'not_found');

    // Removal, in the real room: Ann connects, is removed (with the reason), and her token —
    // still valid for minutes — no longer gets her back in: the webhook takes her out again.
    const url = ann.livekitUrl.replace('//localhost', '//127.0.0.1');
    const first = await joinAsSubscriber({ url, token: ann.token, identity: ann.identity });
    const gone = new Promise<void>((resolve) =>
      first.room.once(RoomEvent.Disconnected, () => resolve()),
    );
    const removed = await api.post(`${room}/participants/${ann.identity}`, {
      data: { action: 'remove', reason: 'Please keep it friendly.' },
    });
    expect(removed.status(), await removed.text()).toBe(200);
    await gone;
    await expectApiError(
      await guest.post(`${room}/token`, { headers: bearer(ann) }),
      403,
      'forbidden',
      /keep it friendly/,
    );
    const again = await joinAsSubscriber({ url, token: ann.token, identity: ann.identity });
    await expect
      .poll(() => again.room.isConnected, { timeout: 10_000, message: 'removed guest came back' })
      .toBe(false);
    await again.leave().catch(() => undefined);

    // Lock: nobody new; the host still gets in.
    expect((await api.patch(room, { data: { locked: true } })).status()).toBe(200);
    await expectApiError(
      await guest.post(`/api/watch/${key}/token`, { data: { name: 'Late' } }),
      403,
      'forbidden',
      /locked/,
    );
    expect((await api.post(`/api/v1/sessions/${session.id}/tokens`)).status()).toBe(200);
    expect((await api.patch(room, { data: { locked: false } })).status()).toBe(200);

    // Rotation: the old link is dead, people who came through it are out, the new one works.
    const stillIn = await guestJoin(guest, session.viewerUrl, 'Cleo');
    const rotated = await api.patch(room, { data: { rotateLink: true } });
    expect(rotated.status(), await rotated.text()).toBe(200);
    const links = (await rotated.json()) as { viewerUrl: string; removed: number };
    expect(links.viewerUrl).not.toBe(session.viewerUrl);
    expect(links.removed).toBeGreaterThanOrEqual(2);
    await expectApiError(
      await guest.post(`/api/watch/${key}/token`, { data: { name: 'Dan' } }),
      404,
      'not_found',
      /replaced/,
    );
    await expectApiError(
      await guest.post(`${room}/token`, { headers: bearer(stillIn) }),
      403,
      'forbidden',
      /replaced the link/,
    );
    const fresh = await guestJoin(guest, links.viewerUrl, 'Dan');
    const refreshed = await guest.post(`${room}/token`, { headers: bearer(fresh) });
    expect(refreshed.status(), await refreshed.text()).toBe(200);
    expect(((await refreshed.json()) as Grant).identity).toBe(fresh.identity);
    await first.leave().catch(() => undefined);
  } finally {
    await guest.dispose();
    await api.delete(`/api/v1/sessions/${session.id}`);
  }
});
