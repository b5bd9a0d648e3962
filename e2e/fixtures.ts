/**
 * Test fixtures: every test gets its own freshly registered user (random email), so tests
 * seed their own data and run in parallel without seeing each other's avatars or sessions.
 *
 * - `user`            the registered account (email, password, id)
 * - `authedRequest`   an APIRequestContext logged in through next-auth's credentials flow
 * - `apiKey`          an API key of that user, created with the logged-in context
 * - `api`             an APIRequestContext sending `Authorization: Bearer <apiKey>`
 * - `loggedInPage`    a page whose browser context carries the login cookie
 * - `newUser()`       registers and logs in one more user (for cross-user checks)
 */
import { randomBytes } from 'node:crypto';
import {
  type APIRequestContext,
  type APIResponse,
  type Page,
  expect,
  test as base,
  request as playwrightRequest,
} from '@playwright/test';
import { loadDemoPortrait } from '../lib/avatars/demo-portrait';
import { WEBRTC_PERMISSIONS } from './support/chromium';
import { E2E_APP_URL, SAME_ORIGIN } from './support/stack-info';

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface UserClients {
  user: TestUser;
  /** Logged in with the session cookie. */
  authedRequest: APIRequestContext;
  apiKey: string;
  /** Authenticated with the API key. */
  api: APIRequestContext;
}

export interface AvatarBody {
  id: string;
  name: string;
  status: 'preparing' | 'ready' | 'failed';
  error?: string;
}

export interface SessionBody {
  id: string;
  avatarId: string;
  room: string;
  status: string;
  livekitUrl: string;
  viewerUrl: string;
  publicViewing: boolean;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** A random, valid, unique email address. */
export function randomEmail(prefix = 'e2e'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}@example.test`;
}

/** Registers an account through POST /api/register (201). */
export async function registerUser(request: APIRequestContext): Promise<TestUser> {
  const email = randomEmail();
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const response = await request.post('/api/register', { data: { email, password } });
  expect(response.status(), await response.text()).toBe(201);
  const body = (await response.json()) as { id: string; email: string };
  return { id: body.id, email: body.email, password };
}

/**
 * Logs a request context in through next-auth's credentials flow (what signIn() does in the
 * browser): fetch the CSRF token, post the credentials, keep the session cookie.
 */
export async function logIn(request: APIRequestContext, user: TestUser): Promise<void> {
  const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/credentials', {
    form: {
      csrfToken: csrf.csrfToken,
      email: user.email,
      password: user.password,
      callbackUrl: `${E2E_APP_URL}/avatars`,
      json: 'true',
    },
  });
  expect(response.ok(), `login failed: ${response.status()}`).toBe(true);
  const session = (await (await request.get('/api/auth/session')).json()) as {
    user?: { email?: string };
  };
  expect(session.user?.email, 'no next-auth session after login').toBe(user.email);
}

/**
 * A client address of its own (198.18.0.0/15, the benchmarking range), as the header the
 * suite's stand-in proxy sends (global-setup.ts: FACECAST_TRUSTED_PROXIES=1).
 */
export function clientAddress(): { 'x-forwarded-for': string } {
  const [a, b] = randomBytes(2);
  return { 'x-forwarded-for': `198.${18 + (a! % 2)}.${b}.${1 + (randomBytes(1)[0]! % 254)}` };
}

/** A new user with a logged-in context, an API key and a context that uses the key. */
export async function createUserClients(): Promise<UserClients> {
  const from = clientAddress();
  const authedRequest = await playwrightRequest.newContext({
    baseURL: E2E_APP_URL,
    extraHTTPHeaders: { ...SAME_ORIGIN, ...from },
  });
  const user = await registerUser(authedRequest);
  await logIn(authedRequest, user);
  const created = await authedRequest.post('/api/v1/api-keys', { data: { name: 'e2e' } });
  expect(created.status(), await created.text()).toBe(201);
  const { key } = (await created.json()) as { key: string };
  expect(key).toEqual(expect.any(String));
  const api = await playwrightRequest.newContext({
    baseURL: E2E_APP_URL,
    extraHTTPHeaders: { authorization: `Bearer ${key}`, ...from },
  });
  return { user, authedRequest, apiKey: key, api };
}

async function disposeClients(clients: UserClients): Promise<void> {
  await clients.api.dispose();
  await clients.authedRequest.dispose();
}

/** Asserts an error response: status, `{error:{code,message}}`, and a message that helps. */
export async function expectApiError(
  response: APIResponse,
  status: number,
  code: string,
  messagePattern?: RegExp,
): Promise<ErrorBody['error']> {
  const text = await response.text();
  expect(response.status(), text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.length, 'error message is too short to help').toBeGreaterThan(15);
  if (messagePattern) expect(body.error.message).toMatch(messagePattern);
  return body.error;
}

/** The demo portrait (a front-facing face), as an upload. */
export async function demoPortraitUpload(): Promise<{
  name: string;
  mimeType: string;
  buffer: Buffer;
}> {
  return { name: 'portrait.jpg', mimeType: 'image/jpeg', buffer: await loadDemoPortrait() };
}

/** POST /api/v1/avatars with a multipart body; returns the raw response. */
export function postAvatar(
  api: APIRequestContext,
  fields: { name?: string; image?: { name: string; mimeType: string; buffer: Buffer } },
): Promise<APIResponse> {
  const multipart: Record<string, string | { name: string; mimeType: string; buffer: Buffer }> = {};
  if (fields.name !== undefined) multipart.name = fields.name;
  if (fields.image) multipart.image = fields.image;
  return api.post('/api/v1/avatars', { multipart });
}

/** Uploads the demo portrait; resolves with the 201 body. */
export async function uploadDemoAvatar(
  api: APIRequestContext,
  name = `Mona ${randomBytes(3).toString('hex')}`,
): Promise<AvatarBody> {
  const response = await postAvatar(api, { name, image: await demoPortraitUpload() });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as AvatarBody;
}

/** Polls GET /api/v1/avatars/:id until preparation has finished; returns the final body. */
export async function waitForAvatar(
  api: APIRequestContext,
  avatarId: string,
  timeoutMs = 90_000,
): Promise<AvatarBody> {
  let last: AvatarBody | undefined;
  await expect
    .poll(
      async () => {
        const response = await api.get(`/api/v1/avatars/${avatarId}`);
        expect(response.status()).toBe(200);
        last = (await response.json()) as AvatarBody;
        return last.status;
      },
      { timeout: timeoutMs, intervals: [250, 500, 1000] },
    )
    .not.toBe('preparing');
  if (!last) throw new Error('unreachable');
  return last;
}

/** Uploads the demo portrait and waits until the avatar is ready. */
export async function createReadyAvatar(api: APIRequestContext): Promise<AvatarBody> {
  const created = await uploadDemoAvatar(api);
  const done = await waitForAvatar(api, created.id);
  expect(done.status, done.error).toBe('ready');
  return done;
}

/** Starts a session for an avatar; returns the 201 body. */
export async function startSession(
  api: APIRequestContext,
  avatarId: string,
  options: { publicViewing?: boolean } = {},
): Promise<SessionBody> {
  const response = await api.post('/api/v1/sessions', { data: { avatarId, ...options } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as SessionBody;
}

/** Lists the user's avatars (to check that a refused upload stored nothing). */
export async function listAvatarIds(api: APIRequestContext): Promise<string[]> {
  const response = await api.get('/api/v1/avatars');
  expect(response.status()).toBe(200);
  return ((await response.json()) as { avatars: AvatarBody[] }).avatars.map((a) => a.id);
}

interface Fixtures {
  clients: UserClients;
  user: TestUser;
  authedRequest: APIRequestContext;
  apiKey: string;
  api: APIRequestContext;
  loggedInPage: Page;
  newUser: () => Promise<UserClients>;
  /** Sessions started through this list are stopped when the test ends, pass or fail. */
  sessionsToStop: Array<{ api: APIRequestContext; id: string }>;
}

export const test = base.extend<Fixtures>({
  // Playwright requires an object pattern as the first argument, even an empty one.
  // eslint-disable-next-line no-empty-pattern
  clients: async ({}, use) => {
    const clients = await createUserClients();
    await use(clients);
    await disposeClients(clients);
  },
  user: async ({ clients }, use) => use(clients.user),
  authedRequest: async ({ clients }, use) => use(clients.authedRequest),
  apiKey: async ({ clients }, use) => use(clients.apiKey),
  api: async ({ clients }, use) => use(clients.api),
  loggedInPage: async ({ browser, clients }, use) => {
    const context = await browser.newContext({
      permissions: WEBRTC_PERMISSIONS,
      storageState: await clients.authedRequest.storageState(),
    });
    const page = await context.newPage();
    await use(page);
    await context.close();
  },
  // eslint-disable-next-line no-empty-pattern
  newUser: async ({}, use) => {
    const created: UserClients[] = [];
    await use(async () => {
      const clients = await createUserClients();
      created.push(clients);
      return clients;
    });
    for (const clients of created) await disposeClients(clients);
  },
  // Depends on the user fixtures so that it is torn down before their contexts are disposed.
  sessionsToStop: async ({ clients: _clients, newUser: _newUser }, use) => {
    const sessions: Array<{ api: APIRequestContext; id: string }> = [];
    await use(sessions);
    // Free the worker's session slots for the next tests (there are only as many as cores).
    for (const { api, id } of sessions) {
      await api.delete(`/api/v1/sessions/${id}`).catch(() => undefined);
    }
  },
});

export { expect };
