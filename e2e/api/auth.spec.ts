import { type APIRequestContext, request as playwrightRequest } from '@playwright/test';
import { randomEmail, expect, expectApiError, logIn, test, type TestUser } from '../fixtures';
import { E2E_APP_URL, SAME_ORIGIN } from '../support/stack-info';

/** One more browser-like login of `user` (its own cookie jar). */
async function anotherLogin(user: TestUser): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({
    baseURL: E2E_APP_URL,
    extraHTTPHeaders: SAME_ORIGIN,
  });
  await logIn(context, user);
  return context;
}

/** The login cookie a context holds, as a Cookie header a stolen copy would send. */
async function cookieHeader(context: APIRequestContext): Promise<string> {
  const { cookies } = await context.storageState();
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}

test.describe('API authentication', () => {
  test('no credentials → 401 that explains how to authenticate', async ({ request }) => {
    const response = await request.get('/api/v1/avatars');
    await expectApiError(response, 401, 'unauthorized', /Authorization: Bearer/);
  });

  test('a wrong API key → 401', async ({ request, api }) => {
    const wrong = await request.get('/api/v1/avatars', {
      headers: { authorization: 'Bearer fc_this-key-does-not-exist' },
    });
    await expectApiError(wrong, 401, 'unauthorized', /Invalid API key/);
    const malformed = await request.get('/api/v1/avatars', {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    await expectApiError(malformed, 401, 'unauthorized');
    // The right key works.
    const ok = await api.get('/api/v1/avatars');
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toEqual({ avatars: [] });
  });

  test('the login cookie authenticates too, and API keys list without secrets', async ({
    authedRequest,
  }) => {
    const response = await authedRequest.get('/api/v1/api-keys');
    expect(response.status()).toBe(200);
    const { apiKeys } = (await response.json()) as { apiKeys: Record<string, unknown>[] };
    expect(apiKeys).toHaveLength(1);
    expect(apiKeys[0]).toMatchObject({ name: 'e2e', prefix: expect.any(String) });
    expect(apiKeys[0]).not.toHaveProperty('key');
    expect(apiKeys[0]).not.toHaveProperty('hash');
  });

  test('registration refuses bad input and duplicates', async ({ request, user }) => {
    await expectApiError(
      await request.post('/api/register', {
        data: { email: 'not-an-email', password: 'long enough pw' },
      }),
      422,
      'unprocessable',
      /valid email/,
    );
    await expectApiError(
      await request.post('/api/register', { data: { email: randomEmail(), password: 'short' } }),
      422,
      'unprocessable',
      /at least 8 characters/,
    );
    await expectApiError(
      await request.post('/api/register', {
        data: { email: user.email, password: 'another password' },
      }),
      409,
      'conflict',
      /already exists/,
    );
    await expectApiError(
      await request.post('/api/register', {
        headers: { 'content-type': 'application/json' },
        data: Buffer.from('{"email": '),
      }),
      400,
      'bad_request',
      /not valid JSON/,
    );
  });

  test('changing the password needs the current one; the old one stops working', async ({
    api,
    user,
    request,
  }) => {
    await expectApiError(
      await api.put('/api/v1/account/password', {
        data: { currentPassword: 'not my password', newPassword: 'brand-new-password' },
      }),
      422,
      'unprocessable',
      /current password is not correct/,
    );
    await expectApiError(
      await api.put('/api/v1/account/password', {
        data: { currentPassword: user.password, newPassword: 'short' },
      }),
      422,
      'unprocessable',
      /at least 8 characters/,
    );
    const changed = await api.put('/api/v1/account/password', {
      data: { currentPassword: user.password, newPassword: 'brand-new-password' },
    });
    expect(changed.status()).toBe(204);
    await expect(logIn(request, user)).rejects.toThrow();
    await logIn(request, { ...user, password: 'brand-new-password' });
  });

  test('a password change ends the other logins; this browser and API keys stay in', async ({
    authedRequest,
    api,
    user,
    request,
  }) => {
    const other = await anotherLogin(user);
    try {
      expect((await other.get('/api/v1/api-keys')).status()).toBe(200);
      const changed = await authedRequest.put('/api/v1/account/password', {
        data: { currentPassword: user.password, newPassword: 'a-fresh-password' },
      });
      expect(changed.status()).toBe(204);
      // The browser that changed it got a renewed cookie and is still logged in.
      expect((await authedRequest.get('/api/v1/api-keys')).status()).toBe(200);
      // The other login ended, cookie and all.
      await expectApiError(await other.get('/api/v1/api-keys'), 401, 'unauthorized');
      const session = (await (await other.get('/api/auth/session')).json()) as object;
      expect(session).not.toHaveProperty('user.email', user.email);
      expect((await api.get('/api/v1/avatars')).status()).toBe(200);
      // Logging in again with the new password works.
      const again = await anotherLogin({ ...user, password: 'a-fresh-password' });
      expect((await again.get('/api/v1/api-keys')).status()).toBe(200);
      await again.dispose();
      expect((await request.get('/api/v1/api-keys')).status()).toBe(401);
    } finally {
      await other.dispose();
    }
  });

  test('"log out everywhere" ends every login, a copied cookie too; API keys stay', async ({
    authedRequest,
    api,
    user,
    request,
  }) => {
    const other = await anotherLogin(user);
    const copied = await cookieHeader(authedRequest);
    try {
      const done = await authedRequest.post('/api/v1/account/logout-everywhere');
      expect(done.status()).toBe(204);
      expect(done.headers()['set-cookie']).toMatch(/next-auth\.session-token=;.*Max-Age=0/);
      await expectApiError(await authedRequest.get('/api/v1/api-keys'), 401, 'unauthorized');
      await expectApiError(await other.get('/api/v1/api-keys'), 401, 'unauthorized');
      await expectApiError(
        await request.get('/api/v1/api-keys', { headers: { cookie: copied } }),
        401,
        'unauthorized',
      );
      // Pages treat the ended login as logged out.
      const page = await request.get('/settings/account', {
        headers: { cookie: copied },
        maxRedirects: 0,
      });
      expect(page.status()).toBeGreaterThanOrEqual(300);
      expect(page.status()).toBeLessThan(400);
      expect(page.headers().location).toMatch(/\/login/);
      expect((await api.get('/api/v1/avatars')).status()).toBe(200);
    } finally {
      await other.dispose();
    }
  });
});
