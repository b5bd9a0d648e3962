/**
 * The admin pages in Chromium, as the demo admin: find a user by search, give them a quota
 * override and take it back, see a wrong value refused inline, disable them (their API key
 * is refused at once) and enable them again; the usage page's chart and tables. Saves the
 * screenshots docs/images/admin-users.png and docs/images/admin-usage.png.
 */
import path from 'node:path';
import { createReadyAvatar, expect, logIn, startSession, test } from '../fixtures';
import { demoAdmin } from '../support/demo-admin';

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');

test('users page: search, quota override, inline error, disable and enable', async ({
  page,
  user,
  api,
}) => {
  await logIn(page.request, demoAdmin());
  await page.goto('/avatars');
  await page.getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }),
  ).toHaveAttribute('aria-current', 'page');

  // The admin's own row cannot lose its role or be disabled.
  const self = page.getByRole('row', { name: demoAdmin().email });
  await expect(self.getByRole('combobox')).toBeDisabled();
  await expect(self.getByRole('checkbox')).toBeDisabled();

  // Search with the keyboard: type, Enter.
  const search = page.getByRole('searchbox');
  await search.fill(user.email.split('@')[0]!);
  await search.press('Enter');
  await expect(page.getByRole('row')).toHaveCount(2); // header + the one user
  const row = page.getByRole('row', { name: user.email });
  const concurrent = row.getByLabel(`Concurrent sessions of ${user.email}`);
  const minutes = row.getByLabel(`Monthly minutes of ${user.email}`);
  await expect(concurrent).toHaveAttribute('placeholder', 'default');
  await expect(concurrent).toHaveValue('');

  await concurrent.fill('2');
  await minutes.fill('90');
  await minutes.press('Enter');
  await expect(row.getByRole('status')).toHaveText('Quotas saved.');
  const adminView = async () =>
    (
      (await (
        await page.request.get(`/api/v1/admin/users?q=${encodeURIComponent(user.email)}`)
      ).json()) as { users: Array<Record<string, unknown>> }
    ).users[0];
  expect(await adminView()).toMatchObject({ maxConcurrentSessions: 2, monthlySessionMinutes: 90 });

  // Too big: the server's message shows in the row.
  await minutes.fill('99999999');
  await row.getByRole('button', { name: 'Save quotas' }).click();
  await expect(row.getByRole('alert')).toContainText('monthlySessionMinutes must be at most');

  // Emptied: back to the default.
  await concurrent.fill('');
  await minutes.fill('');
  await row.getByRole('button', { name: 'Save quotas' }).click();
  await expect(row.getByRole('status')).toHaveText('Quotas saved.');
  await expect(row.getByRole('alert')).toHaveCount(0);
  expect(await adminView()).toMatchObject({
    maxConcurrentSessions: null,
    monthlySessionMinutes: null,
  });

  await concurrent.fill('3');
  await row.getByRole('button', { name: 'Save quotas' }).click();
  await expect(row.getByRole('status')).toHaveText('Quotas saved.');

  await row.getByRole('checkbox', { name: 'Disabled' }).check();
  await expect(row.getByRole('status')).toHaveText('Account disabled.');
  const refused = await api.get('/api/v1/avatars');
  expect(refused.status()).toBe(403);

  // Everyone again, for the screenshot.
  await page.getByRole('button', { name: 'Show all' }).click();
  await expect(page.getByRole('row').nth(2)).toBeVisible();
  await page.screenshot({ path: path.join(IMAGES, 'admin-users.png'), fullPage: false });

  await search.fill(user.email);
  await search.press('Enter');
  await row.getByRole('checkbox', { name: 'Disabled' }).uncheck();
  await expect(row.getByRole('status')).toHaveText('Account enabled.');
  expect((await api.get('/api/v1/avatars')).status()).toBe(200);
});

test('usage page: a chart of minutes per day and tables per user and per avatar', async ({
  page,
  api,
  user,
  sessionsToStop,
}) => {
  // Usage of its own: a session live for a few seconds (6 s show as 0.1 min).
  const avatar = await createReadyAvatar(api);
  const session = await startSession(api, avatar.id);
  sessionsToStop.push({ api, id: session.id });
  await new Promise((resolve) => setTimeout(resolve, 7_000));
  expect((await api.delete(`/api/v1/sessions/${session.id}`)).status()).toBe(204);

  await logIn(page.request, demoAdmin());
  await page.goto('/admin/usage');
  await expect(page.getByRole('heading', { name: 'Usage' })).toBeVisible();
  const chart = page.getByRole('img', { name: /Minutes per day|No session minutes/ });
  await expect(chart).toBeVisible();
  // 30 days, one bar each.
  await expect(chart.locator('rect.bar')).toHaveCount(30);
  await expect(chart).toHaveAttribute('aria-label', /Minutes per day/);
  const perUser = page.getByRole('region', { name: 'Per user' });
  await expect(perUser.getByRole('row').filter({ hasText: user.email })).toHaveCount(1);
  const perAvatar = page.getByRole('region', { name: 'Per avatar' });
  await expect(perAvatar.getByRole('row').filter({ hasText: avatar.name })).toContainText(
    user.email,
  );
  await page.screenshot({ path: path.join(IMAGES, 'admin-usage.png'), fullPage: true });

  for (const [link, heading] of [
    ['All sessions', 'All sessions'],
    ['All bookings', 'All bookings'],
  ] as const) {
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { name: heading })).toBeVisible();
  }
});

test('the admin pages are not there for users who are not admins', async ({
  loggedInPage: page,
}) => {
  for (const path of [
    '/admin/users',
    '/admin/sessions',
    '/admin/bookings',
    '/admin/usage',
    '/admin/registration',
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }
  await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
});
