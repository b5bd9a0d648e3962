/**
 * IDOR sweep (issue 14 §3): user A owns one of each resource; user B, with an API key of its
 * own, calls every per-id route under app/api/v1 and app/api/rooms on A's ids. Each answer is
 * the 404 an unknown id gets (not a 403, which would confirm the id exists), and A's
 * resources read the same afterwards.
 *
 * Not swept: /api/rooms/:id/token (it takes only a room token, never an API key: B's key is a
 * 401 there; a token for another room is in token-tampering.spec.ts), agent sessions (they
 * need an agent worker; lib tests cover their owner check), admin routes (admin only).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import { createReadyAvatar, expect, expectApiError, test } from '../fixtures';
import { startSessionWhenFree } from '../support/live-session';

const HOUR = 3_600_000;

type Call = [label: string, send: (client: APIRequestContext) => Promise<APIResponse>];

/** Every per-id route (method and path) on one set of ids. */
function routes(ids: {
  avatar: string;
  session: string;
  booking: string;
  webhook: string;
  apiKey: string;
}): Call[] {
  const { avatar, session, booking, webhook, apiKey } = ids;
  const a = `/api/v1/avatars/${avatar}`;
  const s = `/api/v1/sessions/${session}`;
  const r = `/api/rooms/${session}`;
  const wav = { name: 'a.wav', mimeType: 'audio/wav', buffer: Buffer.alloc(44) };
  return [
    ['GET avatar', (c) => c.get(a)],
    ['PATCH avatar', (c) => c.patch(a, { data: { name: 'Taken over' } })],
    ['DELETE avatar', (c) => c.delete(a)],
    ['GET avatar image', (c) => c.get(`${a}/image`)],
    ['GET embed', (c) => c.get(`${a}/embed`)],
    ['PUT embed', (c) => c.put(`${a}/embed`, { data: { allowedOrigins: ['https://evil.test'] } })],
    ['DELETE embed', (c) => c.delete(`${a}/embed`)],
    ['GET lip-sync model', (c) => c.get(`${a}/lip-sync-model`)],
    [
      'PUT lip-sync model',
      (c) =>
        c.put(`${a}/lip-sync-model`, {
          headers: { 'content-type': 'application/octet-stream' },
          data: Buffer.from('not an onnx model'),
        }),
    ],
    ['DELETE lip-sync model', (c) => c.delete(`${a}/lip-sync-model`)],
    ['POST conversation test', (c) => c.post(`${a}/conversation/test`, { data: {} })],
    ['POST session on avatar', (c) => c.post('/api/v1/sessions', { data: { avatarId: avatar } })],
    ['GET session', (c) => c.get(s)],
    ['PATCH session', (c) => c.patch(s, { data: { publicViewing: true } })],
    ['DELETE session', (c) => c.delete(s)],
    ['GET session events', (c) => c.get(`${s}/events`)],
    ['POST interrupt', (c) => c.post(`${s}/interrupt`)],
    ['POST messages', (c) => c.post(`${s}/messages`, { data: { text: 'hello' } })],
    ['POST speak', (c) => c.post(`${s}/speak`, { data: { text: 'hello' } })],
    ['POST speak-audio', (c) => c.post(`${s}/speak-audio`, { multipart: { audio: wav } })],
    ['POST tokens', (c) => c.post(`${s}/tokens`)],
    ['GET transcript', (c) => c.get(`${s}/transcript`)],
    ['GET room', (c) => c.get(r)],
    ['PATCH room', (c) => c.patch(r, { data: { locked: true } })],
    ['POST room chat', (c) => c.post(`${r}/chat`, { data: { text: 'hello' } })],
    [
      'POST room participant',
      (c) => c.post(`${r}/participants/guest-abc`, { data: { action: 'mute' } }),
    ],
    ['POST room question', (c) => c.post(`${r}/questions/q1`, { data: { action: 'approve' } })],
    ['GET booking', (c) => c.get(`/api/v1/bookings/${booking}`)],
    ['PATCH booking', (c) => c.patch(`/api/v1/bookings/${booking}`, { data: { title: 'Mine' } })],
    ['DELETE booking', (c) => c.delete(`/api/v1/bookings/${booking}`)],
    ['GET booking ics', (c) => c.get(`/api/v1/bookings/${booking}/ics`)],
    ['GET webhook', (c) => c.get(`/api/v1/webhooks/${webhook}`)],
    ['DELETE webhook', (c) => c.delete(`/api/v1/webhooks/${webhook}`)],
    ['GET webhook deliveries', (c) => c.get(`/api/v1/webhooks/${webhook}/deliveries`)],
    [
      'POST webhook replay',
      (c) =>
        c.post(`/api/v1/webhooks/${webhook}/deliveries/d-${randomBytes(4).toString('hex')}/replay`),
    ],
    ['DELETE API key', (c) => c.delete(`/api/v1/api-keys/${apiKey}`)],
  ];
}

/** What A can read of its resources (fields that do not change by themselves). */
async function snapshot(api: APIRequestContext, ids: Record<string, string>) {
  const read = async (path: string) => {
    const response = await api.get(path);
    expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const session = await read(`/api/v1/sessions/${ids.session}`);
  const keys = (await read('/api/v1/api-keys')) as { keys?: { id: string; name: string }[] };
  return {
    avatar: await read(`/api/v1/avatars/${ids.avatar}`),
    embed: await read(`/api/v1/avatars/${ids.avatar}/embed`),
    booking: await read(`/api/v1/bookings/${ids.booking}`),
    webhook: await read(`/api/v1/webhooks/${ids.webhook}`),
    session: { id: session.id, status: session.status, publicViewing: session.publicViewing },
    room: (await read(`/api/rooms/${ids.session}`)).locked ?? null,
    keys: JSON.stringify(keys).match(new RegExp(ids.apiKey!, 'g'))?.length ?? 0,
  };
}

test("another user gets 404 on every route with A's ids, and A's data is unchanged", async ({
  api,
  authedRequest,
  newUser,
}) => {
  test.setTimeout(240_000);
  const avatar = await createReadyAvatar(api);
  const embed = await api.put(`/api/v1/avatars/${avatar.id}/embed`, {
    data: { allowedOrigins: ['https://shop.example.test'] },
  });
  expect(embed.status(), await embed.text()).toBe(201);
  const day = Math.floor(Date.now() / (24 * HOUR)) + 30 + randomInt(300);
  const booked = await api.post('/api/v1/bookings', {
    data: {
      avatarId: avatar.id,
      startsAt: new Date((day * 24 + 10) * HOUR).toISOString(),
      endsAt: new Date((day * 24 + 11) * HOUR).toISOString(),
      kind: 'private',
    },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const hook = await api.post('/api/v1/webhooks', {
    data: { url: 'http://127.0.0.1:9/hook', events: ['avatar.ready'] },
  });
  expect(hook.status(), await hook.text()).toBe(201);
  const spareKey = await authedRequest.post('/api/v1/api-keys', { data: { name: 'spare' } });
  expect(spareKey.status(), await spareKey.text()).toBe(201);
  const session = await startSessionWhenFree(api, avatar.id);
  try {
    const ids = {
      avatar: avatar.id,
      session: session.id,
      booking: ((await booked.json()) as { id: string }).id,
      webhook: ((await hook.json()) as { id: string }).id,
      apiKey: ((await spareKey.json()) as { id: string }).id,
    };
    const before = await snapshot(api, ids);
    expect(before.keys).toBeGreaterThan(0);

    const other = await newUser();
    const missing = `c${randomBytes(12).toString('hex')}`;
    const unknown = routes({
      avatar: missing,
      session: missing,
      booking: missing,
      webhook: missing,
      apiKey: missing,
    });
    const failures: string[] = [];
    for (const [index, [label, send]] of routes(ids).entries()) {
      const response = await send(other.api);
      const text = await response.text();
      // The same answer as for an id that does not exist: a 404.
      const control = await unknown[index]![1](other.api);
      if (response.status() !== 404 || control.status() !== 404) {
        failures.push(`${label}: ${response.status()} (unknown id: ${control.status()}) ${text}`);
      } else {
        await expectApiError(response, 404, 'not_found');
      }
    }
    // The cookie login gets the same answers as the API key (the key path above).
    for (const [label, send] of routes(ids).filter(([l]) => l.startsWith('GET'))) {
      const response = await send(other.authedRequest);
      if (response.status() !== 404) failures.push(`${label} (cookie): ${response.status()}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);

    expect(await snapshot(api, ids)).toEqual(before);
  } finally {
    await api.delete(`/api/v1/sessions/${session.id}`);
  }
});
