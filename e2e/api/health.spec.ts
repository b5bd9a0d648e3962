import { expect, test } from '../fixtures';

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
});
