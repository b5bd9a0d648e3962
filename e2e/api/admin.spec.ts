/**
 * The admin API against the running stack, as the demo admin: users (search, quotas, role
 * and disable rules), a disabled account refused by API key, cookie and login, invites, and
 * every user's sessions, bookings and usage. Non-admins get 404 everywhere. Registration
 * modes change what every test's registration does, so they are tested alone at the end of
 * the run (e2e/registration/).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { type APIRequestContext, request as playwrightRequest } from '@playwright/test';
import type { AdminUserView } from '../../lib/admin/admin-user-view';
import type { AdminBookingView } from '../../lib/admin/list-all-bookings';
import type { AdminSessionView } from '../../lib/admin/list-all-sessions';
import type { UserPage } from '../../lib/admin/list-users';
import type { UsageReport } from '../../lib/admin/usage-report';
import type { InviteView } from '../../lib/registration/invite-view';
import {
  createReadyAvatar,
  expect,
  expectApiError,
  startSession,
  test,
  uploadDemoAvatar,
} from '../fixtures';
import { adminRequest } from '../support/demo-admin';
import { E2E_APP_URL } from '../support/stack-info';

let admin: APIRequestContext;
test.beforeAll(async () => {
  admin = await adminRequest();
});
test.afterAll(async () => {
  await admin.dispose();
});

async function findUser(email: string): Promise<AdminUserView> {
  const response = await admin.get(`/api/v1/admin/users?q=${encodeURIComponent(email)}`);
  expect(response.status(), await response.text()).toBe(200);
  const page = (await response.json()) as UserPage;
  const user = page.users.find((u) => u.email === email);
  if (!user) throw new Error(`${email} not in the admin users list`);
  return user;
}

async function adminId(): Promise<string> {
  const session = (await (await admin.get('/api/auth/session')).json()) as {
    user: { email: string };
  };
  return (await findUser(session.user.email)).id;
}

test('every admin route is a 404 for users who are not admins, by key and by cookie', async ({
  api,
  authedRequest,
}) => {
  for (const client of [api, authedRequest]) {
    const calls = [
      client.get('/api/v1/admin/users'),
      client.patch('/api/v1/admin/users/x', { data: { disabled: true } }),
      client.get('/api/v1/admin/bookings'),
      client.get('/api/v1/admin/sessions'),
      client.get('/api/v1/admin/usage'),
      client.get('/api/v1/admin/registration'),
      client.put('/api/v1/admin/registration', { data: { mode: 'closed' } }),
      client.get('/api/v1/admin/invites'),
      client.post('/api/v1/admin/invites', { data: {} }),
      client.delete('/api/v1/admin/invites/x'),
      client.get('/api/v1/admin/pool'),
    ];
    for (const response of await Promise.all(calls)) {
      await expectApiError(response, 404, 'not_found');
    }
  }
  // Logged out: 401 as everywhere else.
  const anonymous = await playwrightRequest.newContext({ baseURL: E2E_APP_URL });
  await expectApiError(await anonymous.get('/api/v1/admin/users'), 401, 'unauthorized');
  await anonymous.dispose();
});

test('users: search, quota overrides (null = default), and the rules admins cannot break', async ({
  user,
}) => {
  const listed = await findUser(user.email);
  expect(listed).toMatchObject({
    id: user.id,
    role: 'creator',
    disabled: false,
    maxConcurrentSessions: null,
    monthlySessionMinutes: null,
    sessions: 0,
    minutesThisMonth: 0,
  });
  // Search is by part of the email, any case.
  const part = user.email.split('@')[0]!.toUpperCase();
  const page = (await (await admin.get(`/api/v1/admin/users?q=${part}`)).json()) as UserPage;
  expect(page.users.map((u) => u.email)).toEqual([user.email]);
  expect(page.total).toBe(1);

  const set = await admin.patch(`/api/v1/admin/users/${user.id}`, {
    data: { maxConcurrentSessions: 2, monthlySessionMinutes: 600 },
  });
  expect(set.status(), await set.text()).toBe(200);
  expect(await set.json()).toMatchObject({ maxConcurrentSessions: 2, monthlySessionMinutes: 600 });
  const cleared = await admin.patch(`/api/v1/admin/users/${user.id}`, {
    data: { maxConcurrentSessions: null },
  });
  expect(await cleared.json()).toMatchObject({
    maxConcurrentSessions: null,
    monthlySessionMinutes: 600,
  });

  await expectApiError(
    await admin.patch(`/api/v1/admin/users/${user.id}`, { data: { maxConcurrentSessions: -1 } }),
    422,
    'unprocessable',
    /maxConcurrentSessions must be 0 or more/,
  );
  await expectApiError(
    await admin.patch(`/api/v1/admin/users/${user.id}`, { data: { role: 'owner' } }),
    422,
    'unprocessable',
    /role must be admin or creator/,
  );
  await expectApiError(
    await admin.patch(`/api/v1/admin/users/${user.id}`, { data: { isAdmin: true } }),
    422,
    'unprocessable',
  );
  await expectApiError(
    await admin.patch('/api/v1/admin/users/no-such-user', { data: { disabled: true } }),
    404,
    'not_found',
  );
  await expectApiError(await admin.get('/api/v1/admin/users?page=0'), 422, 'unprocessable');

  const me = await adminId();
  await expectApiError(
    await admin.patch(`/api/v1/admin/users/${me}`, { data: { disabled: true } }),
    409,
    'conflict',
    /cannot disable your own account/,
  );
  await expectApiError(
    await admin.patch(`/api/v1/admin/users/${me}`, { data: { role: 'creator' } }),
    409,
    'conflict',
    /cannot remove your own admin role/,
  );

  // Made an admin, the user reaches the admin API with the same key; demoted, not any more.
  await admin.patch(`/api/v1/admin/users/${user.id}`, { data: { role: 'admin' } });
  expect((await findUser(user.email)).role).toBe('admin');
  await admin.patch(`/api/v1/admin/users/${user.id}`, { data: { role: 'creator' } });
  expect((await findUser(user.email)).role).toBe('creator');
});

test('a disabled account is refused by API key, by its login cookie and at login', async ({
  user,
  api,
  authedRequest,
}) => {
  expect((await api.get('/api/v1/avatars')).status()).toBe(200);
  const disabled = await admin.patch(`/api/v1/admin/users/${user.id}`, {
    data: { disabled: true },
  });
  expect(disabled.status(), await disabled.text()).toBe(200);
  expect(await disabled.json()).toMatchObject({ disabled: true, stoppedSessions: [] });

  await expectApiError(await api.get('/api/v1/avatars'), 403, 'forbidden', /account is disabled/);
  await expectApiError(
    await authedRequest.get('/api/v1/avatars'),
    403,
    'forbidden',
    /account is disabled/,
  );
  // Logging in again: next-auth sends the refusal to its error page with our message.
  const csrf = (await (await authedRequest.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const login = await authedRequest.post('/api/auth/callback/credentials', {
    form: { csrfToken: csrf.csrfToken, email: user.email, password: user.password, json: 'true' },
    maxRedirects: 0,
  });
  const location = login.headers().location ?? ((await login.json()) as { url?: string }).url;
  expect(decodeURIComponent(location ?? '')).toMatch(/account is disabled/);

  await admin.patch(`/api/v1/admin/users/${user.id}`, { data: { disabled: false } });
  expect((await api.get('/api/v1/avatars')).status()).toBe(200);
  expect((await authedRequest.get('/api/v1/avatars')).status()).toBe(200);
});

test('invites: made once with a link, listed without the secret, withdrawn', async () => {
  const note = `e2e ${randomBytes(4).toString('hex')}`;
  const created = await admin.post('/api/v1/admin/invites', { data: { note, expiresInDays: 2 } });
  expect(created.status(), await created.text()).toBe(201);
  const invite = (await created.json()) as { id: string; url: string; expiresAt: string };
  const url = new URL(invite.url);
  expect(`${url.origin}${url.pathname}`).toBe(`${E2E_APP_URL}/register`);
  const secret = url.searchParams.get('invite') ?? '';
  expect(secret).toMatch(/^[\w-]{43}$/);
  const days = (Date.parse(invite.expiresAt) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(1.99);
  expect(days).toBeLessThan(2.01);

  const listText = await (await admin.get('/api/v1/admin/invites')).text();
  expect(listText).not.toContain(secret);
  const listed = (JSON.parse(listText) as { invites: InviteView[] }).invites.find(
    (i) => i.id === invite.id,
  );
  expect(listed).toMatchObject({ note, status: 'unused', usedByEmail: null });

  // The register page knows the link (in open mode it is simply not needed).
  expect((await admin.get(`/register?invite=${secret}`)).status()).toBe(200);

  await expectApiError(
    await admin.post('/api/v1/admin/invites', { data: { expiresInDays: 0 } }),
    422,
    'unprocessable',
    /expiresInDays must be at least 1/,
  );
  expect((await admin.delete(`/api/v1/admin/invites/${invite.id}`)).status()).toBe(204);
  await expectApiError(await admin.delete(`/api/v1/admin/invites/${invite.id}`), 404, 'not_found');
});

test("every user's sessions, bookings and usage, with owner and avatar", async ({
  user,
  api,
  sessionsToStop,
}) => {
  const avatar = await createReadyAvatar(api);
  const session = await startSession(api, avatar.id);
  sessionsToStop.push({ api, id: session.id });
  const running = (await (await admin.get('/api/v1/admin/sessions?status=live')).json()) as {
    sessions: AdminSessionView[];
  };
  expect(running.sessions.find((s) => s.id === session.id)).toMatchObject({
    ownerEmail: user.email,
    avatarName: avatar.name,
    status: 'live',
  });
  // Live for a few seconds, so its minutes show (one decimal: 6 s = 0.1 min).
  await new Promise((resolve) => setTimeout(resolve, 7_000));
  expect((await api.delete(`/api/v1/sessions/${session.id}`)).status()).toBe(204);

  const ended = (await (await admin.get('/api/v1/admin/sessions?status=ended')).json()) as {
    sessions: AdminSessionView[];
    total: number;
  };
  const row = ended.sessions.find((s) => s.id === session.id);
  expect(row?.minutes).toBeGreaterThanOrEqual(0.1);
  await expectApiError(
    await admin.get('/api/v1/admin/sessions?status=paused'),
    422,
    'unprocessable',
    /status must be/,
  );

  const usage = (await (await admin.get('/api/v1/admin/usage')).json()) as UsageReport;
  expect(usage.days).toHaveLength(30);
  const today = new Date().toISOString().slice(0, 10);
  expect(usage.days.at(-1)?.day).toBe(today);
  const mine = usage.users.find((u) => u.userId === user.id);
  expect(mine?.sessions).toBe(1);
  expect(mine?.minutes).toBeGreaterThanOrEqual(0.1);
  expect(mine?.days.map((d) => d.day)).toEqual([today]);
  expect(usage.avatars.find((a) => a.avatarId === avatar.id)).toMatchObject({
    name: avatar.name,
    ownerEmail: user.email,
    sessions: 1,
  });
  expect((await findUser(user.email)).sessions).toBe(1);
  await expectApiError(
    await admin.get('/api/v1/admin/usage?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z'),
    422,
    'unprocessable',
    /to must be after from/,
  );

  // A booking far ahead (02:00 UTC, away from the booking tests' 10:00 slots).
  const other = await uploadDemoAvatar(api);
  const day = Math.floor(Date.now() / 86_400_000) + 340 + randomInt(20);
  const startsAt = new Date(day * 86_400_000 + 2 * 3_600_000).toISOString();
  const endsAt = new Date(day * 86_400_000 + 2.5 * 3_600_000).toISOString();
  const booked = await api.post('/api/v1/bookings', {
    data: { avatarId: other.id, startsAt, endsAt, kind: 'private', title: 'Admin e2e' },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const bookingId = ((await booked.json()) as { id: string }).id;
  const from = new Date(day * 86_400_000).toISOString();
  const to = new Date((day + 1) * 86_400_000).toISOString();
  const bookings = (await (
    await admin.get(`/api/v1/admin/bookings?from=${from}&to=${to}`)
  ).json()) as { bookings: AdminBookingView[] };
  expect(bookings.bookings.find((b) => b.id === bookingId)).toMatchObject({
    ownerEmail: user.email,
    avatarName: other.name,
    title: 'Admin e2e',
    startsAt,
  });
  await api.delete(`/api/v1/bookings/${bookingId}`);
});
