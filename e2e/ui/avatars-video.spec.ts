/**
 * The avatars page with a video: choose a framing, upload an MP4, watch the progress bar
 * and stage, and end with a ready card that carries a "video" badge and its poster. A
 * refused video shows the reason in the form.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeAudioOnlyMp4, makePortraitVideo } from '../../lib/testing/test-media';
import { expect, test } from '../fixtures';

let dir: string;
test.beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facecast-e2e-ui-video-'));
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a video avatar shows progress while preparing, then its poster and a video badge', async ({
  loggedInPage: page,
}) => {
  const video = await makePortraitVideo({ out: path.join(dir, 'mona.mp4'), format: 'mp4' });
  await page.goto('/avatars');
  await page.fill('#avatar-name', 'Moving guide');
  await page.selectOption('#avatar-framing', 'square-720');
  await page.setInputFiles('#avatar-image', video);
  await expect(page.getByLabel('Preview of the chosen video')).toBeVisible();
  // Keyboard only: focus the button and press Enter.
  await page.getByRole('button', { name: 'Create avatar' }).focus();
  await page.keyboard.press('Enter');

  const card = page.locator('[data-testid=avatar-card]');
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('avatar-video-badge')).toHaveText('video');
  // While preparing: a progress bar and a stage sentence.
  await expect(card.getByTestId('avatar-progress')).toBeVisible();
  await expect(card.getByText(/ · \d+ %$/)).toBeVisible();
  await expect(card).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await expect(card.getByTestId('avatar-progress')).toHaveCount(0);
  await expect(card.getByRole('img')).toHaveJSProperty('complete', true);
  await expect(card.getByRole('img')).toHaveJSProperty('naturalWidth', 720);
  await expect(card.getByText('720 × 720 · 3.0 s loop')).toBeVisible();
});

test('a video without a picture is refused in the form with what to do', async ({
  loggedInPage: page,
}) => {
  const tone = await makeAudioOnlyMp4(path.join(dir, 'tone.mp4'));
  await page.goto('/avatars');
  await page.fill('#avatar-name', 'Only sound');
  await page.setInputFiles('#avatar-image', tone);
  await page.getByRole('button', { name: 'Create avatar' }).click();
  // The reason shows in the form (Next.js keeps an empty route-announcer alert on every page).
  await expect(page.getByRole('form', { name: 'New avatar' }).getByRole('alert')).toContainText(
    'no video picture',
  );
  await expect(page.getByText('No avatars yet')).toBeVisible();
});
