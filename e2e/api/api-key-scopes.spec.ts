/**
 * API-key scopes and expiry against the running app (decision 023): keys are made through
 * the API by the logged-in user, then used as a program would.
 */
import { type APIRequestContext, request as playwrightRequest } from '@playwright/test';
import {
  clientAddress,
  demoPortraitUpload,
  expect,
  expectApiError,
  postAvatar,
  test,
} from '../fixtures';
import { E2E_APP_URL } from '../support/stack-info';

interface CreatedKey {
  id: string;
  key: string;
  scopes: string[];
  expiresAt: string | null;
}

/** Creates a key with the given body through `creator`; returns it and a context using it. */
async function keyClient(
  creator: APIRequestContext,
  body: { scopes?: string[]; expiresAt?: string },
): Promise<{ created: CreatedKey; client: APIRequestContext }> {
  const response = await creator.post('/api/v1/api-keys', { data: { name: 'scoped', ...body } });
  expect(response.status(), await response.text()).toBe(201);
  const created = (await response.json()) as CreatedKey;
  const client = await playwrightRequest.newContext({
    baseURL: E2E_APP_URL,
    extraHTTPHeaders: { authorization: `Bearer ${created.key}`, ...clientAddress() },
  });
  return { created, client };
}

test.describe('API-key scopes', () => {
  test('a read-only key reads, and is refused writes with 403 naming the scope', async ({
    authedRequest,
  }) => {
    const { created, client } = await keyClient(authedRequest, { scopes: ['read'] });
    try {
      expect(created.scopes).toEqual(['read']);
      const list = await client.get('/api/v1/avatars');
      expect(list.status()).toBe(200);
      const start = await client.post('/api/v1/sessions', { data: { avatarId: 'any' } });
      const error = await expectApiError(start, 403, 'insufficient_scope', /"sessions" scope/);
      expect((error as { missingScopes?: string[] }).missingScopes).toEqual(['sessions']);
      const upload = await postAvatar(client, { name: 'Nope', image: await demoPortraitUpload() });
      await expectApiError(upload, 403, 'insufficient_scope', /"avatars" scope/);
      // Nothing was made.
      expect(await (await client.get('/api/v1/avatars')).json()).toEqual({ avatars: [] });
    } finally {
      await client.dispose();
    }
  });

  test('an expired key is refused with 401 saying it expired', async ({ authedRequest }) => {
    const expiresAt = new Date(Date.now() + 3_000).toISOString();
    const { created, client } = await keyClient(authedRequest, { scopes: ['read'], expiresAt });
    try {
      expect(created.expiresAt).toBe(expiresAt);
      expect((await client.get('/api/v1/avatars')).status()).toBe(200);
      await expect
        .poll(async () => (await client.get('/api/v1/avatars')).status(), { timeout: 10_000 })
        .toBe(401);
      await expectApiError(await client.get('/api/v1/avatars'), 401, 'unauthorized', /expired/);
      const listed = (await (await authedRequest.get('/api/v1/api-keys')).json()) as {
        apiKeys: { id: string; expired: boolean; scopes: string[] }[];
      };
      expect(listed.apiKeys.find((k) => k.id === created.id)).toMatchObject({
        expired: true,
        scopes: ['read'],
      });
      // A key cannot be made already expired.
      await expectApiError(
        await authedRequest.post('/api/v1/api-keys', {
          data: { name: 'late', expiresAt: '2020-01-01T00:00:00Z' },
        }),
        422,
        'unprocessable',
        /expiresAt/,
      );
    } finally {
      await client.dispose();
    }
  });

  test('a sessions key cannot create an avatars or admin key, only what it has', async ({
    authedRequest,
  }) => {
    const { client } = await keyClient(authedRequest, { scopes: ['sessions'] });
    try {
      for (const scopes of [['avatars'], ['admin'], ['sessions', 'avatars']]) {
        const refused = await client.post('/api/v1/api-keys', { data: { name: 'up', scopes } });
        await expectApiError(refused, 403, 'insufficient_scope', /grant them to a new key/);
      }
      const minted = await client.post('/api/v1/api-keys', { data: { name: 'same' } });
      expect(minted.status(), await minted.text()).toBe(201);
      expect(((await minted.json()) as CreatedKey).scopes).toEqual(['sessions']);
    } finally {
      await client.dispose();
    }
  });

  test('keys made without scopes get everything but admin; the list shows them', async ({
    authedRequest,
  }) => {
    const listed = (await (await authedRequest.get('/api/v1/api-keys')).json()) as {
      apiKeys: { name: string; scopes: string[]; expiresAt: string | null; expired: boolean }[];
    };
    // The fixture's key, made by the logged-in user without asking for scopes.
    expect(listed.apiKeys.find((k) => k.name === 'e2e')).toMatchObject({
      scopes: ['read', 'sessions', 'avatars'],
      expiresAt: null,
      expired: false,
    });
  });
});
