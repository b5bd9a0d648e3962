/**
 * Starting a session when the worker host may be busy with another test's: a full pool is a
 * 503 (its slots are as many as cores), so this retries until a slot frees up.
 */
import { type APIRequestContext, expect } from '@playwright/test';
import type { SessionBody } from '../fixtures';

/** POST /api/v1/sessions, retried on 503 for up to `timeoutMs`; resolves with the 201 body. */
export async function startSessionWhenFree(
  api: APIRequestContext,
  avatarId: string,
  timeoutMs = 90_000,
): Promise<SessionBody> {
  let body: SessionBody | undefined;
  await expect
    .poll(
      async () => {
        const response = await api.post('/api/v1/sessions', { data: { avatarId } });
        if (response.status() === 503) return 503;
        expect(response.status(), await response.text()).toBe(201);
        body = (await response.json()) as SessionBody;
        return 201;
      },
      { timeout: timeoutMs, intervals: [1000, 2000] },
    )
    .toBe(201);
  if (!body) throw new Error('unreachable');
  return body;
}
