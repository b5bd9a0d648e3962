import { randomEmail, expect, expectApiError, logIn, test } from '../fixtures';

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
});
