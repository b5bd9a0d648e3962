/**
 * Registration modes and invites, through the API and the pages. The mode is global: every
 * other test registers its own users, so this project runs alone after all the others
 * (playwright.config.ts) and always puts registration back to `open`.
 */
import { randomBytes } from 'node:crypto';
import { type APIRequestContext, request as playwrightRequest } from '@playwright/test';
import type { InviteView } from '../../lib/registration/invite-view';
import { clientAddress, expect, expectApiError, logIn, randomEmail, test } from '../fixtures';
import { adminRequest, demoAdmin } from '../support/demo-admin';
import { E2E_APP_URL } from '../support/stack-info';

test.describe.configure({ mode: 'serial' });

let admin: APIRequestContext;
let visitor: APIRequestContext;
test.beforeAll(async () => {
  admin = await adminRequest();
  visitor = await playwrightRequest.newContext({
    baseURL: E2E_APP_URL,
    extraHTTPHeaders: clientAddress(),
  });
});
test.afterAll(async () => {
  // Whatever happened above, the next run (and anyone using this stack) registers freely.
  await admin.put('/api/v1/admin/registration', { data: { mode: 'open' } });
  await admin.dispose();
  await visitor.dispose();
});

const password = 'password-e2e-1';

async function setMode(mode: 'open' | 'invite' | 'closed') {
  const response = await admin.put('/api/v1/admin/registration', { data: { mode } });
  expect(response.status(), await response.text()).toBe(200);
  expect(await (await admin.get('/api/v1/admin/registration')).json()).toEqual({ mode });
}

async function makeInvite(): Promise<{ id: string; secret: string }> {
  const response = await admin.post('/api/v1/admin/invites', { data: { note: 'e2e' } });
  expect(response.status(), await response.text()).toBe(201);
  const body = (await response.json()) as { id: string; url: string };
  return { id: body.id, secret: new URL(body.url).searchParams.get('invite') ?? '' };
}

test('the mode is open by default, and a bad mode is refused', async () => {
  expect(await (await admin.get('/api/v1/admin/registration')).json()).toEqual({ mode: 'open' });
  await expectApiError(
    await admin.put('/api/v1/admin/registration', { data: { mode: 'maybe' } }),
    422,
    'unprocessable',
    /mode must be open, invite or closed/,
  );
});

test('closed: no one registers, not even with an invite; the page says so', async ({ page }) => {
  await setMode('closed');
  const invite = await makeInvite();
  for (const data of [
    { email: randomEmail(), password },
    { email: randomEmail(), password, invite: invite.secret },
  ]) {
    await expectApiError(
      await visitor.post('/api/register', { data }),
      403,
      'forbidden',
      /Registration is closed/,
    );
  }
  await page.goto('/register');
  await expect(page.getByRole('status')).toContainText('Registration is closed');
  await expect(page.getByLabel('Email')).toHaveCount(0);
  // Existing accounts still log in.
  await logIn(visitor, demoAdmin());
});

test('invite: refused without one; an invite makes exactly one account, even raced', async () => {
  await setMode('invite');
  await expectApiError(
    await visitor.post('/api/register', { data: { email: randomEmail(), password } }),
    403,
    'forbidden',
    /needs an invite/,
  );
  const invite = await makeInvite();
  const emails = [randomEmail('race'), randomEmail('race')];
  const responses = await Promise.all(
    emails.map((email) =>
      visitor.post('/api/register', { data: { email, password, invite: invite.secret } }),
    ),
  );
  const statuses = responses.map((r) => r.status()).sort();
  expect(statuses).toEqual([201, 403]);
  const refused = responses.find((r) => r.status() === 403)!;
  await expectApiError(refused, 403, 'forbidden', /already been used/);
  const winner = emails[responses.findIndex((r) => r.status() === 201)];

  const invites = (await (await admin.get('/api/v1/admin/invites')).json()) as {
    invites: InviteView[];
  };
  expect(invites.invites.find((i) => i.id === invite.id)).toMatchObject({
    status: 'used',
    usedByEmail: winner,
  });
  await expectApiError(
    await visitor.post('/api/register', {
      data: { email: randomEmail(), password, invite: `${invite.secret}x` },
    }),
    403,
    'forbidden',
    /not a valid invite/,
  );
});

test('the admin page makes an invite link that registers one person in another browser', async ({
  browser,
  page,
}) => {
  await setMode('open');
  await logIn(page.request, demoAdmin());
  await page.goto('/admin/registration');
  await expect(page.getByRole('heading', { name: 'Registration' })).toBeVisible();
  await page.getByRole('radio', { name: /Invite only/ }).check();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toContainText(
    'registration is invite',
  );
  expect(await (await admin.get('/api/v1/admin/registration')).json()).toEqual({ mode: 'invite' });

  const note = `Guest ${randomBytes(3).toString('hex')}`;
  await page.getByLabel('Note').fill(note);
  await page.getByRole('button', { name: 'Make invite' }).click();
  const link = page.getByTestId('invite-url');
  await expect(link).toBeVisible();
  const url = (await link.innerText()).trim();
  expect(url).toContain('/register?invite=');
  await expect(page.getByRole('row').filter({ hasText: note })).toContainText('unused');

  // Without the link, the register page explains; with it, the invitee registers.
  const invitee = await browser.newContext();
  const other = await invitee.newPage();
  await other.goto('/register');
  await expect(other.getByRole('status')).toContainText('needs an invite');
  await other.goto(url);
  await expect(other.getByRole('status')).toContainText('You were invited');
  const email = randomEmail('invited');
  await other.getByLabel('Email').fill(email);
  await other.getByLabel('Password').fill(password);
  await other.getByRole('button', { name: 'Create account' }).click();
  await expect(other).toHaveURL(/\/avatars$/);
  await expect(other.getByText(email)).toBeVisible();
  // The same link a second time: already used.
  const third = await browser.newContext();
  const late = await third.newPage();
  await late.goto(url);
  await expect(late.getByRole('status')).toContainText('already been used');
  await invitee.close();
  await third.close();

  await page.reload();
  const row = page.getByRole('row').filter({ hasText: note });
  await expect(row.locator('.badge')).toHaveText('used');
  await expect(row).toContainText(email);
  await page.getByRole('radio', { name: /^Open/ }).check();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toContainText(
    'registration is open',
  );
  expect(await (await admin.get('/api/v1/admin/registration')).json()).toEqual({ mode: 'open' });
});
