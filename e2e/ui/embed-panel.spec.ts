/**
 * The Embed panel on the Avatars page (app/avatars/embed-panel.tsx), in real Chromium: the
 * owner opens it with the keyboard, a site written with a path is refused with a message
 * naming it and nothing is saved, then allowed sites and the widget's settings are saved;
 * the panel shows the snippet to paste and a live preview of the widget, in which the owner
 * starts a conversation and the avatar's video plays. The settings are still there after a
 * reload. Takes docs/images/embed-panel.png.
 */
import path from 'node:path';
import { createReadyAvatar, expect, test } from '../fixtures';
import { APP, widgetSessions } from '../support/widget-host';

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');

test('the owner turns embedding on in the Embed panel, reads the snippet and talks to the live preview', async ({
  loggedInPage: page,
  api,
  sessionsToStop,
}) => {
  const avatar = await createReadyAvatar(api);
  await page.goto('/avatars');
  const card = page.getByTestId('avatar-card');
  await expect(card).toHaveAttribute('data-status', 'ready');

  // Opened with the keyboard: the panel's summary takes focus and Enter opens it.
  const details = card.getByTestId('embed-details');
  const summary = details.locator('summary');
  await expect(summary).toHaveText('Embed on your site');
  await summary.focus();
  await page.keyboard.press('Enter');
  const panel = details.getByTestId('embed-panel');
  await expect(panel).toBeVisible();
  const save = panel.getByTestId('embed-save');
  await expect(save).toHaveText('Turn embedding on');
  await expect(panel.getByTestId('embed-snippet')).toHaveCount(0);
  await expect(panel.getByTestId('embed-preview')).toHaveCount(0);

  // A page instead of a site: refused, the message names the entry and says what to write.
  const origins = panel.getByTestId('embed-origins');
  await origins.fill('https://shop.example\nhttps://shop.example/prices');
  await save.click();
  const error = panel.getByTestId('embed-error');
  await expect(error).toContainText('"https://shop.example/prices" is not an origin');
  await expect(error).toContainText('e.g. https://shop.example');
  await expect(panel.getByTestId('embed-snippet')).toHaveCount(0);
  expect((await api.get(`/api/v1/avatars/${avatar.id}/embed`)).status(), 'nothing saved').toBe(404);

  // The allowed sites and the widget's settings, then saved.
  await origins.fill('https://shop.example\nhttps://*.museum.example');
  await panel.getByLabel('Greeting').fill('Hello! Ask me about our prints.');
  await expect(panel.getByLabel('Mode')).toHaveValue('echo'); // no language model set
  await panel.getByLabel('Theme').selectOption('dark');
  await panel.getByLabel('Accent').fill('#2d4739');
  await panel.getByLabel('Position').selectOption('bottom-left');
  await panel.getByLabel('Launcher label').fill('Ask our guide');
  await panel.getByLabel('Visitors may use the microphone').uncheck();
  await panel.getByLabel('The page may make it speak (facecast:say)').check();
  await panel.getByLabel('Most conversations at once').fill('2');
  await panel.getByLabel('Longest conversation, minutes').fill('5');
  await save.click();
  await expect(save).toHaveText('Save');
  await expect(error).toHaveCount(0);

  // The snippet to paste: the loader from this app with the avatar's new embed key.
  const snippet = await panel.getByTestId('embed-snippet').inputValue();
  const match = new RegExp(
    `^<script src="${APP.replace(/[.]/g, '\\.')}/embed\\.js" data-avatar="([\\w-]+)" async></script>$`,
  ).exec(snippet);
  expect(match, snippet).not.toBeNull();
  const stored = (await (await api.get(`/api/v1/avatars/${avatar.id}/embed`)).json()) as object;
  expect(stored).toMatchObject({
    embedKey: match![1],
    allowedOrigins: ['https://shop.example', 'https://*.museum.example'],
    greeting: 'Hello! Ask me about our prints.',
    mode: 'echo',
    theme: { mode: 'dark', accent: '#2d4739' },
    position: 'bottom-left',
    launcherLabel: 'Ask our guide',
    microphone: false,
    allowSay: true,
    maxSessions: 2,
    maxMinutes: 5,
    snippet,
  });

  // The live preview: the widget as visitors get it (dark, no microphone), and a
  // conversation started in it plays the avatar's video.
  const preview = panel.getByTestId('embed-preview');
  await expect(preview).toBeVisible();
  await expect(preview).toHaveAttribute('src', `/embed/${match![1]}`);
  const widget = page.frameLocator('[data-testid=embed-preview]');
  await expect(widget.getByTestId('widget')).toHaveClass(/\bdark\b/);
  await expect(widget.getByTestId('widget')).toContainText(avatar.name);
  await expect(widget.getByTestId('mic-control')).toHaveCount(0);
  await widget.getByTestId('widget-start').click();
  await expect(widget.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
    timeout: 60_000,
  });
  const [session] = await widgetSessions(api);
  expect(session, 'the preview’s conversation is in the owner’s list').toBeDefined();
  sessionsToStop.push({ api, id: session!.id });
  // The avatar shows: its frames are not black (the mean brightness of a video frame, 0-255).
  await expect
    .poll(
      () =>
        widget.getByTestId('avatar-video').evaluate((v: HTMLVideoElement) => {
          if (v.currentTime === 0 || v.videoWidth === 0) return 0;
          const canvas = document.createElement('canvas');
          canvas.width = 64;
          canvas.height = 64;
          const context = canvas.getContext('2d')!;
          context.drawImage(v, 0, 0, 64, 64);
          const { data } = context.getImageData(0, 0, 64, 64);
          let sum = 0;
          for (let i = 0; i < data.length; i += 4)
            sum += (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
          return sum / (data.length / 4);
        }),
      { timeout: 30_000 },
    )
    .toBeGreaterThan(20);
  // A page screenshot of the panel (element screenshots leave the framed video black).
  await page.setViewportSize({ width: 1280, height: 1800 });
  await details.scrollIntoViewIfNeeded();
  const box = await details.boundingBox();
  await page.screenshot({ path: path.join(IMAGES, 'embed-panel.png'), clip: box! });
  await widget.getByTestId('widget-close').click();
  await expect(widget.getByTestId('widget-start')).toHaveText('Start again');

  // After a reload the panel shows what was saved.
  await page.reload();
  await page.getByTestId('embed-details').locator('summary').click();
  const reloaded = page.getByTestId('embed-panel');
  await expect(reloaded.getByTestId('embed-origins')).toHaveValue(
    'https://shop.example\nhttps://*.museum.example',
  );
  await expect(reloaded.getByLabel('Theme')).toHaveValue('dark');
  await expect(reloaded.getByLabel('Position')).toHaveValue('bottom-left');
  await expect(reloaded.getByLabel('Visitors may use the microphone')).not.toBeChecked();
  await expect(reloaded.getByLabel('Longest conversation, minutes')).toHaveValue('5');
  await expect(reloaded.getByTestId('embed-snippet')).toHaveValue(snippet);
});
