/**
 * The widget's Start audio button, in real Chromium with the autoplay policy visitors have
 * (`--autoplay-policy=document-user-activation-required`: sound only in pages the visitor
 * has interacted with; the rest of the suite lets media play without a click). The shop page
 * opens the inline widget by itself, so nobody has clicked anything: the avatar's sound is
 * refused, the widget shows Start audio, and a click on it plays the sound. Opening the
 * launcher is a click on the page, which the frame's allow="autoplay" passes on: sound at once.
 */
import type { Browser } from '@playwright/test';
import { type UserClients, createReadyAvatar, createUserClients, expect, test } from '../fixtures';
import {
  AUTOPLAY_ALLOWED,
  AUTOPLAY_NEEDS_ACTIVATION,
  CHROMIUM_ARGS,
  CHROMIUM_EXECUTABLE,
} from '../support/chromium';
import {
  type HostSite,
  embed,
  shopPage,
  snippet,
  startHostSite,
  visitorPage,
  widgetSessions,
} from '../support/widget-host';

// Playwright's trace recording (its screenshots and snapshots) lets pages play sound without
// a click, which would hide what this file is about.
test.use({ trace: 'off' });
// In order, one at a time, on one avatar: each runs a live session.
test.describe.configure({ mode: 'default' });

let shop: HostSite;
let owner: UserClients;
let avatarId: string;
let strict: Browser;

test.beforeAll(async ({ playwright }) => {
  shop = await startHostSite('127.0.0.2');
  owner = await createUserClients();
  avatarId = (await createReadyAvatar(owner.api)).id;
  // Chromium as visitors have it: sound only in pages the visitor has interacted with.
  strict = await playwright.chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS.map((arg) => (arg === AUTOPLAY_ALLOWED ? AUTOPLAY_NEEDS_ACTIVATION : arg)),
  });
});
test.afterAll(async () => {
  await strict?.close();
  await owner?.api.dispose();
  await owner?.authedRequest.dispose();
  await shop?.close();
});

/** livekit-client's console warning when the browser refuses to play the avatar's sound. */
const REFUSED = 'could not playback audio';

test('where the browser blocks sound until the visitor interacts, Start audio plays it', async ({
  sessionsToStop,
}) => {
  const settings = await embed(owner.api, avatarId, {
    allowedOrigins: [shop.origin],
    mode: 'echo',
    greeting: 'Welcome to the museum shop! I can tell you about our prints and posters.',
  });
  // The page opens the inline widget by itself on arrival.
  shop.setPage(
    shopPage(`${snippet(settings.embedKey, ' data-target="#inline"')}
<script>document.addEventListener('facecast:ready', (e) => {
  if (e.detail.state === 'idle') window.postMessage({ type: 'facecast:open' }, location.origin);
});</script>`),
  );
  const page = await visitorPage(strict);
  try {
    // Nothing may touch the page until the sound was refused: Playwright runs its checks in
    // the page as a user gesture, which would let sound play. The browser's refusal is read
    // from the console instead (livekit-client warns of it).
    const refused = page.waitForEvent('console', {
      predicate: (message) => message.text().includes(REFUSED),
      timeout: 60_000,
    });
    await page.goto(shop.origin);
    await refused;
    const [session] = await widgetSessions(owner.api);
    expect(session, 'the widget opened a session').toBeDefined();
    sessionsToStop.push({ api: owner.api, id: session!.id });

    const frame = page.frameLocator('#inline iframe');
    await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live');
    const audio = frame.getByTestId('avatar-audio');
    const sound = frame.getByTestId('enable-sound');
    await expect(sound).toBeVisible();
    await expect(sound).toHaveText(/Start audio/);
    expect(await audio.evaluate((a: HTMLAudioElement) => a.paused), 'sound played unasked').toBe(
      true,
    );

    // The visitor's click: the button goes and the sound plays.
    await sound.click();
    await expect(sound).toHaveCount(0);
    await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.paused)).toBe(false);
    const before = await audio.evaluate((a: HTMLAudioElement) => a.currentTime);
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime))
      .toBeGreaterThan(before + 0.5);
    await frame.getByTestId('widget-close').click();
    await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-phase', 'ended');
  } finally {
    await page.context().close();
  }
});

test('opening the launcher is the visitor’s click: the sound plays at once, no Start audio', async ({
  sessionsToStop,
}) => {
  const settings = await embed(owner.api, avatarId, {
    allowedOrigins: [shop.origin],
    mode: 'echo',
    greeting: 'Welcome to the museum shop! I can tell you about our prints and posters.',
  });
  shop.setPage(shopPage(snippet(settings.embedKey)));
  const page = await visitorPage(strict);
  const logged: string[] = [];
  page.on('console', (message) => logged.push(message.text()));
  try {
    await page.goto(shop.origin);
    await page.locator('[data-facecast-launcher]').click();
    const frame = page.frameLocator('iframe[data-facecast-frame]');
    await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    const [session] = await widgetSessions(owner.api);
    sessionsToStop.push({ api: owner.api, id: session!.id });
    const audio = frame.getByTestId('avatar-audio');
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => (a.paused ? 0 : a.currentTime)))
      .toBeGreaterThan(0.5);
    await expect(frame.getByTestId('enable-sound')).toHaveCount(0);
    expect(logged.filter((text) => text.includes(REFUSED))).toEqual([]);
    await frame.getByTestId('widget-close').click();
  } finally {
    await page.context().close();
  }
});
