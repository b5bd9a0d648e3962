/**
 * The widget's Start audio button, in real Chromium with the autoplay policy visitors have
 * (`--autoplay-policy=document-user-activation-required`: sound only in pages the visitor
 * has interacted with; the rest of the suite lets media play without a click). The shop page
 * opens the inline widget by itself, so nobody has clicked anything: the avatar's sound is
 * refused, the widget shows Start audio, and a click on it plays the sound.
 */
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

let shop: HostSite;
let owner: UserClients;

test.beforeAll(async () => {
  shop = await startHostSite('127.0.0.2');
  owner = await createUserClients();
});
test.afterAll(async () => {
  await owner?.api.dispose();
  await owner?.authedRequest.dispose();
  await shop?.close();
});

test('where the browser blocks sound until the visitor interacts, Start audio plays it', async ({
  playwright,
  sessionsToStop,
}) => {
  const avatar = await createReadyAvatar(owner.api);
  const settings = await embed(owner.api, avatar.id, {
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
  const strict = await playwright.chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS.map((arg) => (arg === AUTOPLAY_ALLOWED ? AUTOPLAY_NEEDS_ACTIVATION : arg)),
  });
  try {
    const page = await visitorPage(strict);
    // Nothing may touch the page until the sound was refused: Playwright runs its checks in
    // the page as a user gesture, which would let sound play. The browser's refusal is read
    // from the console instead (livekit-client warns of it).
    const refused = page.waitForEvent('console', {
      predicate: (message) => message.text().includes('could not playback audio'),
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
    await strict.close();
  }
});
