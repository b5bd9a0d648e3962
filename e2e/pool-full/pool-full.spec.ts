/**
 * A full worker pool, for real: sessions are started through the API, by as many users as
 * their quotas need, until the app refuses one (every slot of the stack's worker host taken,
 * counted from its reports and the dispatches it has not reported yet), then another user
 * presses "Start session" in the browser and is told why and what to do. Runs after every
 * other project (playwright.config.ts), so that filling the pool takes no slot another test
 * needs, and starts once the sessions those tests stopped have left the pool: one leaving
 * between the API's 503 and the browser's start would let the browser's start in.
 */
import { createReadyAvatar, expect, test } from '../fixtures';
import { adminRequest } from '../support/demo-admin';

/** More than any calibrated capacity this suite runs on; the test fails if it is not reached. */
const MAX_STARTS = 40;

test('a full pool answers 503 with Retry-After, and the avatars page says so', async ({
  loggedInPage: page,
  authedRequest: api,
  newUser,
  sessionsToStop,
}) => {
  test.setTimeout(240_000);
  const admin = await adminRequest();
  const poolUsed = async () => {
    const response = await admin.get('/api/v1/admin/pool');
    expect(response.status()).toBe(200);
    return ((await response.json()) as { capacity: { used: number } }).capacity.used;
  };
  // Hosts report every 2 s; a stopped session's worker takes a few seconds to end.
  await expect
    .poll(poolUsed, { timeout: 60_000, message: 'sessions of earlier tests still in the pool' })
    .toBe(0);
  // The card the page's user presses "Start session" on.
  await createReadyAvatar(api);
  // Other users fill the pool, each up to its concurrent sessions quota (lib/quotas): the
  // page's user runs none, so what it is told is the pool's answer, not its quota's.
  const filler = async () => {
    const clients = await newUser();
    return { api: clients.api, avatarId: (await createReadyAvatar(clients.api)).id };
  };
  let current = await filler();

  let refused: { status: number; retryAfter?: string; body: { error?: { message?: string } } };
  for (let i = 0; ; i++) {
    expect(i, `no 503 after ${MAX_STARTS} sessions`).toBeLessThan(MAX_STARTS);
    const response = await current.api.post('/api/v1/sessions', {
      data: { avatarId: current.avatarId, wait: false },
    });
    if (response.status() === 201) {
      sessionsToStop.push({ api: current.api, id: ((await response.json()) as { id: string }).id });
      continue;
    }
    if (response.status() === 429) {
      current = await filler();
      continue;
    }
    refused = {
      status: response.status(),
      retryAfter: response.headers()['retry-after'],
      body: (await response.json()) as { error?: { message?: string } },
    };
    break;
  }
  expect(refused.status, JSON.stringify(refused.body)).toBe(503);
  expect(refused.retryAfter).toBe('10');
  expect(refused.body.error?.message).toMatch(
    /^Every avatar slot is in use \(\d+ of \d+\)\. Try again in a minute or stop a session\.$/,
  );
  console.log(`pool full after ${sessionsToStop.length} sessions: ${refused.body.error?.message}`);
  // Only this test's sessions fill it.
  expect(await poolUsed()).toBe(sessionsToStop.length);
  await admin.dispose();

  await page.goto('/avatars');
  const card = page.locator('[data-testid=avatar-card]');
  await expect(card).toHaveCount(1);
  await card.getByRole('button', { name: 'Start session' }).click();
  // (Next.js keeps an empty role=alert route announcer on every page.)
  const alert = page.getByRole('alert').filter({ hasText: /\S/ });
  await expect(alert).toContainText('Every avatar slot is in use');
  await expect(alert).toContainText('Try again in a minute or stop a session.');
  // Nothing was started, and the form is usable again.
  await expect(page).toHaveURL(/\/avatars$/);
  await expect(card.getByRole('button', { name: 'Start session' })).toBeEnabled();
});
