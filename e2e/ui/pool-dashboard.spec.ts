/**
 * The admin pool dashboard against the running stack: the demo admin sees the worker host
 * that reports to the app (capacity bar, load chart) and a running session with its live
 * figures; other users get a 404 for the page and its API.
 */
import path from 'node:path';
import { createReadyAvatar, expect, logIn, startSession, test } from '../fixtures';
import { demoAdmin } from '../support/demo-admin';
import { SAME_ORIGIN } from '../support/stack-info';

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');

test.describe('as the demo admin', () => {
  // The page's request context writes with the login cookie, as the app's pages do: it must
  // name the app's origin (lib/auth/same-origin.ts).
  test.use({ extraHTTPHeaders: SAME_ORIGIN });

  test('the demo admin sees the worker host and a running session with its figures', async ({
    page,
  }) => {
    await logIn(page.request, demoAdmin());
    const avatar = await createReadyAvatar(page.request);
    const session = await startSession(page.request, avatar.id);
    try {
      await page.goto('/avatars');
      await page.getByRole('link', { name: 'Pool' }).click();
      await expect(page).toHaveURL(/\/admin\/pool$/);
      await expect(page.getByRole('heading', { name: 'Worker pool' })).toBeVisible();

      const hosts = page.getByRole('region', { name: 'Worker hosts' });
      await expect(hosts.getByRole('article')).toHaveCount(1);
      const meter = hosts.getByRole('meter', { name: 'Sessions in use' });
      await expect(meter).toBeVisible();
      expect(Number(await meter.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(1);
      await expect(hosts.getByRole('img').first()).toBeVisible();

      const row = page.getByRole('row').filter({ hasText: session.room });
      await expect(row).toHaveCount(1, { timeout: 15_000 });
      await expect(row).toContainText('running');
      // The fps column fills in from the host's reports (every 2 s).
      await expect
        .poll(async () => Number((await row.getByRole('cell').nth(5).innerText()).trim()), {
          timeout: 15_000,
        })
        .toBeGreaterThan(15);
      await page.screenshot({ path: path.join(IMAGES, 'pool-dashboard.png'), fullPage: true });
    } finally {
      await page.request.delete(`/api/v1/sessions/${session.id}`, { headers: SAME_ORIGIN });
    }
  });
});

test('the pool is not there for users who are not admins', async ({ loggedInPage: page }) => {
  const response = await page.goto('/admin/pool');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('link', { name: 'Pool' })).toHaveCount(0);
  const api = await page.request.get('/api/v1/admin/pool');
  expect(api.status()).toBe(404);
});
