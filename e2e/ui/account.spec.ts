/**
 * Settings → Account in the browser: "Log out everywhere" ends this browser's login and every
 * other one, from the keyboard.
 */
import { expect, test } from '../fixtures';

test('"Log out everywhere" logs this browser out and sends it to the login form', async ({
  authedRequest,
  loggedInPage: page,
}) => {
  await page.goto('/settings/account');
  await expect(page.getByRole('heading', { name: 'Log out everywhere' })).toBeVisible();
  await page.getByRole('button', { name: 'Log out everywhere' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/login/);
  await page.goto('/avatars');
  await expect(page).toHaveURL(/\/login/);
  // The other login (the test's request context) ended as well.
  expect((await authedRequest.get('/api/v1/api-keys')).status()).toBe(401);
});
