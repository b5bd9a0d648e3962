/**
 * A full worker pool, for real: sessions are started through the API until the app refuses
 * one (every slot of the stack's worker host taken, counted from its reports and the
 * dispatches it has not reported yet), then a user presses "Start session" in the browser and
 * is told why and what to do. Runs after every other project (playwright.config.ts), so that
 * filling the pool takes no slot another test needs.
 */
import { createReadyAvatar, expect, test } from '../fixtures';

/** More than any calibrated capacity this suite runs on; the test fails if it is not reached. */
const MAX_STARTS = 40;

test('a full pool answers 503 with Retry-After, and the avatars page says so', async ({
  loggedInPage: page,
  authedRequest: api,
  sessionsToStop,
}) => {
  test.setTimeout(120_000);
  const avatar = await createReadyAvatar(api);

  let refused: { status: number; retryAfter?: string; body: { error?: { message?: string } } };
  for (let i = 0; ; i++) {
    expect(i, `no 503 after ${MAX_STARTS} sessions`).toBeLessThan(MAX_STARTS);
    const response = await api.post('/api/v1/sessions', {
      data: { avatarId: avatar.id, wait: false },
    });
    if (response.status() === 201) {
      sessionsToStop.push({ api, id: ((await response.json()) as { id: string }).id });
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
