/**
 * Abuse controls against the running app: forged cross-site writes with the login cookie,
 * per-address registration limits, sign-in backoff that treats unknown emails the same way,
 * and request bodies cut while they stream. The suite stands in for one reverse proxy
 * (global-setup.ts: FACECAST_TRUSTED_PROXIES=1), so each test picks its own client address.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import {
  clientAddress,
  expect,
  expectApiError,
  randomEmail,
  registerUser,
  test,
  uploadDemoAvatar,
} from '../fixtures';
import { adminRequest } from '../support/demo-admin';
import { E2E_APP_URL } from '../support/stack-info';

const MB = 1024 * 1024;

/** A request context from an address of its own. */
function visitor(): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL: E2E_APP_URL, extraHTTPHeaders: clientAddress() });
}

/** One credentials sign-in the way signIn() posts it; the error next-auth reports, if any. */
async function signIn(context: APIRequestContext, email: string, password: string) {
  const csrf = (await (await context.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await context.post('/api/auth/callback/credentials', {
    form: { csrfToken: csrf.csrfToken, email, password, json: 'true' },
  });
  const body = (await response.json().catch(() => ({}))) as { url?: string };
  return body.url ? new URL(body.url).searchParams.get('error') : `status ${response.status()}`;
}

/**
 * Streams `totalBytes` of chunked body (no Content-Length) and stops once the answer arrives;
 * resolves with the status and how much had been written by then.
 */
function streamBody(route: string, totalBytes: number, headers: Record<string, string>) {
  return new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
    const request = http.request(new URL(route, E2E_APP_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
    });
    let sentBytes = 0;
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      response.resume();
      resolve({ status: response.statusCode ?? 0, sentBytes });
      request.destroy();
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const write = () => {
      while (!answered && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', write);
          return;
        }
      }
      if (!answered) request.end();
    };
    write();
  });
}

test.describe('abuse controls', () => {
  test('a page on another site cannot use the login cookie to create an API key', async ({
    authedRequest,
  }) => {
    const before = (await (await authedRequest.get('/api/v1/api-keys')).json()) as {
      apiKeys: unknown[];
    };
    // What a hidden form or a text/plain fetch on https://evil.example sends.
    const forged = await authedRequest.post('/api/v1/api-keys', {
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      data: JSON.stringify({ name: 'stolen' }),
    });
    await expectApiError(forged, 403, 'forbidden', /another site/);
    // Same origin, but a form's content type: refused too.
    const formLike = await authedRequest.post('/api/v1/api-keys', {
      headers: { 'content-type': 'text/plain' },
      data: JSON.stringify({ name: 'plain' }),
    });
    await expectApiError(formLike, 415, 'unsupported_media_type', /application\/json/);
    const after = (await (await authedRequest.get('/api/v1/api-keys')).json()) as {
      apiKeys: unknown[];
    };
    expect(after.apiKeys).toHaveLength(before.apiKeys.length);
    // The site's own JSON write goes through.
    const own = await authedRequest.post('/api/v1/api-keys', { data: { name: 'own' } });
    expect(own.status(), await own.text()).toBe(201);
  });

  test('one address registers at most 10 accounts an hour', async () => {
    const context = await visitor();
    try {
      for (let i = 0; i < 10; i++) await registerUser(context);
      const refused = await context.post('/api/register', {
        data: { email: randomEmail(), password: 'password-long-enough' },
      });
      await expectApiError(refused, 429, 'rate_limited', /at most 10 an hour/);
      expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(60);
      // Another address is not affected.
      const other = await visitor();
      await registerUser(other);
      await other.dispose();
    } finally {
      await context.dispose();
    }
  });

  test('failed sign-ins back off, the same way for an email that has no account', async () => {
    const setup = await visitor();
    const user = await registerUser(setup);
    await setup.dispose();
    for (const email of [user.email, randomEmail('nobody')]) {
      const context = await visitor();
      try {
        for (let i = 0; i < 5; i++) {
          expect(await signIn(context, email, 'wrong-password')).toBe('CredentialsSignin');
        }
        // The sixth attempt is refused before the password is even checked (the right one too).
        const refused = await signIn(context, email, user.password);
        expect(refused).toMatch(/Too many failed sign-ins for this email/);
      } finally {
        await context.dispose();
      }
    }
    // From another address the account's owner still signs in.
    const elsewhere = await visitor();
    expect(await signIn(elsewhere, user.email, user.password)).toBeNull();
    await elsewhere.dispose();
  });

  test('a 50 MB chunked body is cut at the limit (413) without being read whole', async () => {
    const from = clientAddress();
    const register = await streamBody('/api/register', 50 * MB, from);
    expect(register.status).toBe(413);
    // Answered after about the 1 MB limit (plus what the sockets buffered), not after 50 MB.
    expect(register.sentBytes).toBeLessThan(16 * MB);
    const signInForm = await streamBody('/api/auth/callback/credentials', 50 * MB, {
      ...from,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(signInForm.status).toBe(413);
    expect(signInForm.sentBytes).toBeLessThan(16 * MB);
  });

  test('provider URLs that point inside are refused when set and when used', async ({ api }) => {
    const avatar = await uploadDemoAvatar(api);
    const patch = (data: object) => api.patch(`/api/v1/avatars/${avatar.id}`, { data });
    await expectApiError(
      await patch({
        conversation: { llm: { baseUrl: 'https://169.254.169.254/latest/meta-data' } },
      }),
      422,
      'unprocessable',
      /conversation\.llm\.baseUrl: 169\.254\.169\.254 is a link-local or cloud-metadata address/,
    );
    await expectApiError(
      await patch({
        transcription: {
          provider: 'openai',
          baseUrl: 'https://10.0.0.1:8000/v1',
          model: 'whisper-1',
        },
      }),
      422,
      'unprocessable',
      /transcription\.baseUrl: .*private network.*FACECAST_OUTBOUND_ALLOWLIST/,
    );
    await expectApiError(
      await patch({
        ttsProvider: 'openai',
        tts: { baseUrl: 'https://[fe80::1]/v1', model: 'tts-1', voice: 'alloy' },
      }),
      422,
      'unprocessable',
      /tts\.baseUrl: .*link-local/,
    );
    // The operator listed 127.0.0.1 (global-setup.ts), where this suite's stand-ins listen.
    const allowed = await patch({
      conversation: { llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' } },
    });
    expect(allowed.status(), await allowed.text()).toBe(200);

    // When used: an allowed server that redirects to the metadata address is not followed.
    const redirector = http.createServer((_req, res) => {
      res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const tested = await api.post(`/api/v1/avatars/${avatar.id}/conversation/test`, {
        data: { llm: { baseUrl: `http://127.0.0.1:${port}/v1`, model: 'llama3.2' } },
      });
      expect(tested.status()).toBe(200);
      const result = (await tested.json()) as { ok: boolean; error?: { message: string } };
      expect(result.ok).toBe(false);
      expect(result.error?.message).toMatch(/Not sent to .*169\.254\.169\.254.*never sent/);
    } finally {
      redirector.close();
    }
  });

  test('an admin may point providers at private addresses, never at metadata', async () => {
    const admin = await adminRequest();
    try {
      const avatar = await uploadDemoAvatar(admin);
      const patch = (baseUrl: string) =>
        admin.patch(`/api/v1/avatars/${avatar.id}`, {
          data: { conversation: { llm: { baseUrl, model: 'm' } } },
        });
      const inside = await patch('https://192.168.1.10/v1');
      expect(inside.status(), await inside.text()).toBe(200);
      await expectApiError(
        await patch('https://169.254.169.254/'),
        422,
        'unprocessable',
        /link-local/,
      );
      await admin.delete(`/api/v1/avatars/${avatar.id}`);
    } finally {
      await admin.dispose();
    }
  });
});
