import { expect, expectApiError, test } from '../fixtures';

test('GET /api/health reports every service up', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({
    status: 'ok',
    db: 'ok',
    livekit: 'ok',
    workers: { status: 'ok', hosts: 1 },
  });
  const workers = body.workers as { capacity: number; active: number };
  expect(workers.capacity).toBeGreaterThanOrEqual(1);
  expect(workers.active).toBeGreaterThanOrEqual(0);
  // Many callers at once share one check (it is open to anyone): all get the same answer.
  const many = await Promise.all(Array.from({ length: 20 }, () => request.get('/api/health')));
  for (const answer of many) expect(await answer.json()).toEqual(body);
});

test('a path no API route answers: a JSON 404 naming it, for any method and caller', async ({
  request,
  api,
}) => {
  for (const [method, path] of [
    ['GET', '/api/v1/avatar'],
    ['POST', '/api/v1/sessions/x/unknown'],
    ['DELETE', '/api/nothing'],
    ['PATCH', '/api/v2/avatars'],
  ] as const) {
    for (const client of [request, api]) {
      const response = await client.fetch(path, { method });
      expect(response.headers()['content-type']).toMatch(/^application\/json/);
      await expectApiError(
        response,
        404,
        'not_found',
        new RegExp(`No API route at ${method} ${path}\\. The routes are listed at /docs/api`),
      );
    }
  }
  // A route that exists keeps its own answers: 405 for a method it lacks, its data otherwise.
  expect((await api.put('/api/v1/voices')).status()).toBe(405);
  expect((await api.get('/api/v1/voices')).status()).toBe(200);
});
