/**
 * Settings → API keys in the browser, driven from the keyboard: scopes and expiry chosen in
 * the form, shown in the list, an expired key badged, and errors that say what to do.
 */
import { expect, test } from '../fixtures';

interface ListedKey {
  name: string;
  scopes: string[];
  expiresAt: string | null;
}

test('make a key with chosen scopes and expiry; the list shows them and badges expired keys', async ({
  authedRequest,
  loggedInPage: page,
}) => {
  await page.goto('/settings/api-keys');
  // A creator is not an admin: no admin scope to choose.
  await expect(page.getByRole('checkbox', { name: /^read/ })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: /^admin/ })).toHaveCount(0);

  // No scope at all: the form says what to do instead of sending.
  const name = page.getByLabel('Name', { exact: true });
  await name.fill('nothing');
  for (const scope of ['read', 'sessions', 'avatars']) {
    await page.getByRole('checkbox', { name: new RegExp(`^${scope}`) }).press('Space');
  }
  await name.press('Enter');
  await expect(page.locator('.error[role=alert]')).toHaveText(/Choose at least one scope/);

  // read + sessions, 30 days, all from the keyboard.
  await page.getByRole('checkbox', { name: /^read/ }).press('Space');
  await page.getByRole('checkbox', { name: /^sessions/ }).press('Space');
  await page.getByLabel('Expires').focus();
  await page.getByLabel('Expires').selectOption('30');
  await name.fill('deploy-bot');
  await name.press('Enter');
  await expect(page.getByTestId('new-api-key')).toHaveText(/^fc_/);
  await expect(page.locator('.error[role=alert]')).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: 'deploy-bot' });
  await expect(row).toContainText('read, sessions');
  const listed = (await (await authedRequest.get('/api/v1/api-keys')).json()) as {
    apiKeys: ListedKey[];
  };
  const made = listed.apiKeys.find((k) => k.name === 'deploy-bot');
  expect(made?.scopes).toEqual(['read', 'sessions']);
  const days = (new Date(made?.expiresAt ?? 0).getTime() - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29.9);
  expect(days).toBeLessThan(30.1);
  await expect(row).toContainText(made?.expiresAt?.slice(0, 10) ?? 'missing');

  // A key that expired: badged in the list.
  const short = await authedRequest.post('/api/v1/api-keys', {
    data: { name: 'short-lived', expiresAt: new Date(Date.now() + 1_500).toISOString() },
  });
  expect(short.status()).toBe(201);
  await page.waitForTimeout(2_000);
  await page.reload();
  const expired = page.getByRole('row').filter({ hasText: 'short-lived' });
  await expect(expired.locator('.badge')).toHaveText('expired');
  await expect(
    page.getByRole('row').filter({ hasText: 'deploy-bot' }).locator('.badge'),
  ).toHaveCount(0);
});
