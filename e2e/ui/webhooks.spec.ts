/**
 * Settings → Webhooks in the browser: add an endpoint with the keyboard-friendly form, copy
 * the secret shown once, see a real delivery (an avatar prepared) arrive signed and in the
 * delivery log, replay it, and delete the endpoint. Screenshot: docs/images/webhooks.png.
 */
import path from 'node:path';
import { expect, test, uploadDemoAvatar, waitForAvatar } from '../fixtures';
import { startWebhookReceiver } from '../support/webhook-receiver';

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');

test('add a webhook, see its secret once, watch a delivery arrive, replay it, delete it', async ({
  api,
  loggedInPage: page,
}) => {
  const receiver = await startWebhookReceiver('/facecast-webhook');
  try {
    await page.goto('/settings/webhooks');
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    await expect(page.getByText('No webhooks yet.')).toBeVisible();

    // No event ticked: the form says what to do.
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toContainText(
      'Tick at least one event',
    );

    // The metadata address is refused with the server's reason.
    await page.getByLabel('Endpoint URL').fill('http://169.254.169.254/');
    await page.getByLabel('avatar.ready').check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toContainText(
      'link-local or cloud-metadata',
    );

    // With the keyboard: URL, then Tab to the checkboxes, Space ticks, Enter submits.
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('avatar.failed').focus();
    await page.keyboard.press('Space');
    await page.getByLabel('Endpoint URL').press('Enter');
    const secretBox = page.getByTestId('new-webhook-secret');
    await expect(secretBox).toHaveText(/^whsec_/);
    const secret = (await secretBox.textContent())!;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    const card = page.getByRole('region', { name: `Webhook ${receiver.url}` });
    await expect(card).toContainText('avatar.ready, avatar.failed');

    // A real event: an avatar is prepared.
    const avatar = await uploadDemoAvatar(api);
    expect((await waitForAvatar(api, avatar.id)).status).toBe('ready');
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(1);
    const message = receiver.verify(secret, receiver.received[0]!);
    expect(message).toMatchObject({ type: 'avatar.ready', data: { avatarId: avatar.id } });

    await card.getByText('Delivery log').click();
    const rows = card.getByTestId('webhook-delivery');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('avatar.ready');
    await expect(rows.first()).toContainText('delivered');
    await expect(rows.first()).toContainText('200');
    await page.screenshot({ path: path.join(IMAGES, 'webhooks.png'), fullPage: true });

    await rows.first().getByRole('button', { name: 'Replay avatar.ready delivery' }).click();
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(2);
    const [first, again] = receiver.received;
    expect(again!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(receiver.verify(secret, again!)).toEqual(message);
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('(replay)');
    await expect(rows.first()).toContainText('delivered');

    // Shown once: a fresh visit has no secret on the page.
    await page.reload();
    await expect(page.getByTestId('new-webhook-secret')).toHaveCount(0);
    await expect(page.locator('body')).not.toContainText(secret);

    // Delete asks first.
    page.once('dialog', (dialog) => {
      expect(dialog.message()).toContain(receiver.url);
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByText('No webhooks yet.')).toBeVisible();
  } finally {
    await receiver.close();
  }
});
