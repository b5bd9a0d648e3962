/**
 * The audit log against the running stack: a user's login, failed login, key creation and
 * revocation, password change and avatar deletion each leave an event naming who, what, which
 * resource and from which address; admins read it (filtered by actor and action, paged), other
 * users get 404.
 */
import { type APIRequestContext } from '@playwright/test';
import type { AuditEventView } from '../../lib/audit/list-audit-events';
import { expect, expectApiError, logIn, test, uploadDemoAvatar } from '../fixtures';
import { adminRequest } from '../support/demo-admin';

let admin: APIRequestContext;
test.beforeAll(async () => {
  admin = await adminRequest();
});
test.afterAll(async () => {
  await admin.dispose();
});

async function eventsOf(actorId: string, query = ''): Promise<AuditEventView[]> {
  const response = await admin.get(`/api/v1/admin/audit?actorId=${actorId}${query}`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { events: AuditEventView[] }).events;
}

test('who did what to which resource, from where; admins only', async ({
  user,
  api,
  authedRequest,
  request,
}) => {
  // A wrong password, from a client address of its own.
  await expect(logIn(request, { ...user, password: 'not-the-password' })).rejects.toThrow();
  const created = await api.post('/api/v1/api-keys', {
    data: { name: 'audited', scopes: ['read'] },
  });
  expect(created.status()).toBe(201);
  const key = (await created.json()) as { id: string; key: string };
  expect((await api.delete(`/api/v1/api-keys/${key.id}`)).status()).toBe(204);
  const avatar = await uploadDemoAvatar(api);
  expect((await api.delete(`/api/v1/avatars/${avatar.id}`)).status()).toBe(204);
  expect(
    (
      await authedRequest.put('/api/v1/account/password', {
        data: { currentPassword: user.password, newPassword: 'audited-password' },
      })
    ).status(),
  ).toBe(204);

  const events = await eventsOf(user.id);
  const actions = events.map((e) => e.action);
  for (const action of [
    'login.succeeded',
    'api_key.created',
    'api_key.revoked',
    'avatar.deleted',
    'password.changed',
  ]) {
    expect(actions, action).toContain(action);
  }
  const made = events.find((e) => e.action === 'api_key.created' && e.targetId === key.id);
  expect(made).toMatchObject({
    actorEmail: user.email,
    via: expect.stringMatching(/^api_key:/),
    targetType: 'api_key',
    ip: expect.stringMatching(/^198\.1[89]\./),
    details: { name: 'audited', scopes: ['read'] },
  });
  // The key's value is never recorded.
  expect(JSON.stringify(events)).not.toContain(key.key);
  expect(events.find((e) => e.action === 'avatar.deleted')).toMatchObject({
    targetType: 'avatar',
    targetId: avatar.id,
  });
  expect(events.find((e) => e.action === 'password.changed')).toMatchObject({ via: 'cookie' });
  // Newest first.
  const times = events.map((e) => Date.parse(e.at));
  expect([...times].sort((a, b) => b - a)).toEqual(times);

  // The failed login is filed under the account it tried, without the password tried.
  const failed = await eventsOf(user.id, '&action=login.failed');
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ via: 'login', details: { reason: 'wrong password' } });
  expect(JSON.stringify(failed)).not.toContain('not-the-password');

  // Paging: one at a time walks the same events.
  const first = (await (
    await admin.get(`/api/v1/admin/audit?actorId=${user.id}&limit=1`)
  ).json()) as {
    events: AuditEventView[];
    nextBefore: string;
  };
  expect(first.events[0]?.id).toBe(events[0]?.id);
  const second = (await (
    await admin.get(`/api/v1/admin/audit?actorId=${user.id}&limit=1&before=${first.nextBefore}`)
  ).json()) as { events: AuditEventView[] };
  expect(second.events[0]?.id).toBe(events[1]?.id);

  // Not for creators; bad filters say what is wrong.
  await expectApiError(await api.get('/api/v1/admin/audit'), 404, 'not_found');
  await expectApiError(
    await admin.get('/api/v1/admin/audit?action=everything'),
    422,
    'unprocessable',
    /action must be one of/,
  );
});
