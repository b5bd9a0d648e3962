/**
 * Tampered credentials (issue 14 §3): room tokens the app verifies itself (LiveKit JWTs at
 * /api/rooms/:id/*), API keys and the login cookie. Each is refused with a 401/403/404 that
 * says what to do, never a 500; a valid room token for one room does nothing in another.
 * The suite's LiveKit runs with the development keys (scripts/lib/livekit-config.mjs), so an
 * expired token can be signed correctly and only its expiry is wrong.
 */
import { type APIRequestContext, request as playwrightRequest } from '@playwright/test';
import { SignJWT } from 'jose';
import { createReadyAvatar, expect, expectApiError, test } from '../fixtures';
import { decodeJwtPayload } from '../support/jwt';
import { startSessionWhenFree } from '../support/live-session';
import { DEV_KEYS } from '../../scripts/lib/livekit-config.mjs';
import { E2E_APP_URL } from '../support/stack-info';

interface Grant {
  token: string;
  identity: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The host's token for a session (POST /api/v1/sessions/:id/tokens). */
async function hostGrant(api: APIRequestContext, sessionId: string): Promise<Grant> {
  const response = await api.post(`/api/v1/sessions/${sessionId}/tokens`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Grant;
}

/** Every room route a token holder can call, on room `id`. */
function roomCalls(guest: APIRequestContext, id: string, token: string) {
  const headers = bearer(token);
  return [
    () => guest.get(`/api/rooms/${id}`, { headers }),
    () => guest.post(`/api/rooms/${id}/chat`, { headers, data: { text: 'tampered' } }),
    () => guest.post(`/api/rooms/${id}/token`, { headers }),
    () => guest.patch(`/api/rooms/${id}`, { headers, data: { locked: true } }),
  ];
}

test('tampered, expired and foreign room tokens are refused, never a 500', async ({ api }) => {
  test.setTimeout(240_000);
  const avatar = await createReadyAvatar(api);
  const guest = await playwrightRequest.newContext({ baseURL: E2E_APP_URL });
  // Room Y: started, a token taken, then stopped (one live session at a time: the worker
  // host has as many slots as cores, shared with the other tests).
  const other = await startSessionWhenFree(api, avatar.id);
  const otherGrant = await hostGrant(api, other.id);
  expect((await api.delete(`/api/v1/sessions/${other.id}`)).status()).toBe(204);
  const session = await startSessionWhenFree(api, avatar.id);
  try {
    const room = `/api/rooms/${session.id}`;
    const grant = await hostGrant(api, session.id);
    // The genuine token works: the checks below refuse the tampering, not the route.
    expect((await guest.get(room, { headers: bearer(grant.token) })).status()).toBe(200);
    const refreshed = await guest.post(`${room}/token`, { headers: bearer(grant.token) });
    expect(refreshed.status(), await refreshed.text()).toBe(200);

    const [header, payload, signature] = grant.token.split('.') as [string, string, string];
    const claims = decodeJwtPayload(grant.token);
    const { apiKey: key, apiSecret: secret } = DEV_KEYS;
    const now = Math.floor(Date.now() / 1000);
    const tampered: Record<string, string> = {
      'forged signature': `${header}.${payload}.${Buffer.from('x'.repeat(32)).toString('base64url')}`,
      'signed with another secret': await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode('not-the-stack-secret-but-32-chars-long')),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'alg none, no dot': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}`,
      'payload edited (admin of the room)': `${header}.${b64({ ...claims, video: { ...(claims.video as object), roomAdmin: true } })}.${signature}`,
      truncated: grant.token.slice(0, grant.token.length - 10),
      'header only': header,
      'expired an hour ago (right secret)': await new SignJWT({
        ...claims,
        iat: now - 7200,
        nbf: now - 7200,
        exp: now - 3600,
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(key)
        .sign(new TextEncoder().encode(secret)),
      'not a JWT': 'a.b.c',
    };
    for (const [what, token] of Object.entries(tampered)) {
      for (const call of roomCalls(guest, session.id, token)) {
        const response = await call();
        const text = await response.text();
        expect([401, 403, 404], `${what}: ${response.status()} ${text}`).toContain(
          response.status(),
        );
        expect(text, what).toMatch(/"message":"[^"]{16,}/);
      }
    }
    // The right secret but an unknown identity in this room: 401, not in the room.
    const stranger = await new SignJWT({ ...claims, sub: 'guest-stranger' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(key)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
    await expectApiError(
      await guest.post(`${room}/chat`, { headers: bearer(stranger), data: { text: 'hi' } }),
      401,
      'unauthorized',
      /not in this room/,
    );

    // A valid token for room X does nothing at room Y's routes, in both directions (404, as
    // for a room that is not there), and nothing was written by the attempts.
    for (const call of roomCalls(guest, other.id, grant.token)) {
      await expectApiError(await call(), 404, 'not_found');
    }
    for (const call of roomCalls(guest, session.id, otherGrant.token)) {
      const response = await call();
      expect([403, 404, 409], await response.text()).toContain(response.status());
    }
    await expectApiError(
      await guest.post(`/api/rooms/${other.id}/token`, { headers: bearer(grant.token) }),
      404,
      'not_found',
      /another/,
    );
    const state = (await (await api.get(room)).json()) as {
      chat: { text: string }[];
      locked?: boolean;
    };
    expect(state.chat.map((line) => line.text)).not.toContain('tampered');
    const stateText = JSON.stringify(state);
    expect(stateText).not.toMatch(/"locked":true/);
  } finally {
    await guest.dispose();
    await api.delete(`/api/v1/sessions/${session.id}`);
  }
});

test('tampered API keys and login cookies are 401s, never a 500', async ({
  apiKey,
  authedRequest,
}) => {
  const anonymous = await playwrightRequest.newContext({ baseURL: E2E_APP_URL });
  try {
    const keys = {
      truncated: apiKey.slice(0, -4),
      'one character changed': `${apiKey.slice(0, -1)}${apiKey.endsWith('a') ? 'b' : 'a'}`,
      'a JWT instead of a key': `${b64({ alg: 'none' })}.${b64({ sub: 'admin' })}.`,
      'a very long key': `fc_${'A'.repeat(5_000)}`,
    };
    for (const [what, key] of Object.entries(keys)) {
      const response = await anonymous.get('/api/v1/avatars', { headers: bearer(key) });
      expect(response.status(), `${what}: ${await response.text()}`).toBe(401);
      await expectApiError(response, 401, 'unauthorized');
    }

    // next-auth's session cookie (an encrypted JWT): cut, edited or replaced → not logged in.
    const cookies = (await authedRequest.storageState()).cookies;
    const session = cookies.find((c) => /session-token/.test(c.name));
    expect(session, 'no session cookie after login').toBeDefined();
    const { name, value } = session!;
    const forged = {
      truncated: value.slice(0, -12),
      'one character changed': `${value.slice(0, 40)}${value[40] === 'A' ? 'B' : 'A'}${value.slice(41)}`,
      'alg none JWT': `${b64({ alg: 'none' })}.${b64({ email: 'admin@example.test' })}.`,
    };
    for (const [what, cookie] of Object.entries(forged)) {
      const response = await anonymous.get('/api/v1/avatars', {
        headers: { cookie: `${name}=${cookie}` },
      });
      expect(response.status(), `${what}: ${await response.text()}`).toBe(401);
    }
    // The genuine cookie still works: the refusals above are the tampering's.
    expect((await authedRequest.get('/api/v1/avatars')).status()).toBe(200);
  } finally {
    await anonymous.dispose();
  }
});
