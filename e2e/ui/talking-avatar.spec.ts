/**
 * The main user journey in real Chromium: an account, a portrait, a live talking avatar that
 * the browser really receives (frames, sound, a moving mouth), a shared viewer link, and stop.
 * Screenshots for the docs are written to docs/images/ on every run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { loadDemoPortrait } from '../../lib/avatars/demo-portrait';
import { createReadyAvatar, expect, randomEmail, startSession, test } from '../fixtures';
import { WEBRTC_PERMISSIONS } from '../support/chromium';
import {
  type Box,
  captureReferenceFrame,
  diffFromReference,
  installAudioProbe,
  measureSteadyFrameRate,
  readAudioProbe,
  resetAudioPeak,
  waitForVideoPlaying,
} from '../support/media-probes';
import { E2E_APP_URL, SAME_ORIGIN, faceJsonPath } from '../support/stack-info';

// One test at a time, in order: each runs a live session and a browser decoding it, and the
// frame-rate and latency measurements must not compete with another test for the two cores.
test.describe.configure({ mode: 'default' });

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');

/** Analyser RMS (full scale 1) above which the received audio counts as speech (−40 dBFS). */
const SPEECH_RMS = 0.01;

const SPEECH_TEXT =
  'Hello! I am a talking portrait. Welcome to the museum, and thank you for visiting today.';

/** Mouth box and far-from-the-face boxes, from the prepared avatar's face landmarks. */
async function regionsFor(avatarId: string): Promise<{ mouth: Box; far: Box[] }> {
  const prepared = JSON.parse(await readFile(faceJsonPath(avatarId), 'utf8')) as {
    widthPx: number;
    heightPx: number;
    face: { landmarks: Array<[number, number]> };
  };
  const point = (index: number): [number, number] => {
    const p = prepared.face.landmarks[index];
    if (!p) throw new Error(`face.json lacks landmark ${index}`);
    return p;
  };
  // MediaPipe FaceMesh: 61/291 mouth corners, 0 upper lip top, 17 lower lip bottom, 152 chin.
  const [leftX] = point(61);
  const [rightX] = point(291);
  const [, topY] = point(0);
  const [, chinY] = point(152);
  const mouthWidth = rightX - leftX;
  const mouth: Box = {
    x: leftX - 0.15 * mouthWidth,
    y: topY - 0.15 * mouthWidth,
    width: 1.3 * mouthWidth,
    height: chinY - topY + 0.15 * mouthWidth,
  };
  expect(prepared.widthPx).toBe(512);
  // The top corners of the frame: background, far from the face.
  const far: Box[] = [
    { x: 0, y: 0, width: 64, height: 64 },
    { x: prepared.widthPx - 64, y: 0, width: 64, height: 64 },
  ];
  return { mouth, far };
}

/** Stops a session through the API with the page's login cookie (cleanup). */
async function stopSessionQuietly(page: Page, sessionId: string): Promise<void> {
  await page.request
    .delete(`/api/v1/sessions/${sessionId}`, { headers: SAME_ORIGIN })
    .catch(() => undefined);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('register, log in, upload a portrait, start a session: the avatar is live and talks', async ({
  page,
}, testInfo) => {
  const email = randomEmail('ui');
  const password = 'correct horse battery';

  // Register (the form signs the new account in), then log out and log in again.
  await page.goto('/register');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/avatars$/);
  await page.context().clearCookies();
  await page.goto('/avatars');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Favatars/);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.screenshot({ path: path.join(IMAGES, 'login.png') });
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/avatars$/);
  await expect(page.getByText('No avatars yet')).toBeVisible();

  // Upload the demo portrait from a file, as a user would.
  const portraitFile = testInfo.outputPath('portrait.jpg');
  await writeFile(portraitFile, await loadDemoPortrait());
  await page.fill('#avatar-name', 'Museum guide');
  await page.setInputFiles('#avatar-image', portraitFile);
  await expect(page.getByAltText('Preview of the chosen portrait')).toBeVisible();
  await page.getByRole('button', { name: 'Create avatar' }).click();
  const card = page.locator('[data-testid=avatar-card]');
  await expect(card).toHaveCount(1);
  await expect(card).toHaveAttribute('data-status', 'ready', { timeout: 90_000 });
  await expect(card.getByRole('img')).toHaveJSProperty('complete', true);
  await page.screenshot({ path: path.join(IMAGES, 'avatars.png') });

  // Start a session: the session page shows the avatar's live video.
  await card.getByRole('button', { name: 'Start session' }).click();
  await expect(page).toHaveURL(/\/sessions\/[^/]+$/, { timeout: 60_000 });
  const sessionId = new URL(page.url()).pathname.split('/').pop() ?? '';
  try {
    await expect(page.locator('[data-testid=connection-state]')).toHaveAttribute(
      'data-phase',
      'live',
      { timeout: 60_000 },
    );
    await waitForVideoPlaying(page);
    const sessionBody = (await (
      await page.request.get(`/api/v1/sessions/${sessionId}`)
    ).json()) as {
      avatarId: string;
      status: string;
    };
    expect(sessionBody.status).toBe('live');

    const rate = await measureSteadyFrameRate(page, {
      windowMs: 3000,
      windows: 3,
      fullWidthPx: 512,
      target: 20,
    });
    console.log(
      `ui: rVFC ${rate.callbacksPerS.toFixed(1)} callbacks/s, ${rate.presentedPerS.toFixed(1)} presented frames/s, ` +
        `currentTime +${rate.currentTimeAdvanceS.toFixed(2)} s, ${rate.videoWidth}×${rate.videoHeight}`,
    );
    testInfo.annotations.push({ type: 'rVFC fps', description: rate.callbacksPerS.toFixed(1) });
    expect(rate.currentTimeAdvanceS).toBeGreaterThan(2.5);
    expect(rate.callbacksPerS).toBeGreaterThanOrEqual(20);
    expect(rate.videoWidth).toBe(512);
    expect(rate.videoHeight).toBe(512);

    // Idle: silent, and the mouth box barely changes between two idle frames.
    const { mouth, far } = await regionsFor(sessionBody.avatarId);
    await installAudioProbe(page, SPEECH_RMS);
    await resetAudioPeak(page);
    await captureReferenceFrame(page);
    let idleMouth = 0;
    let idleFar = 0;
    for (let i = 0; i < 8; i++) {
      await wait(125);
      const [m = 0, ...f] = await diffFromReference(page, [mouth, ...far]);
      idleMouth = Math.max(idleMouth, m);
      idleFar = Math.max(idleFar, ...f);
    }
    const idleAudio = await readAudioProbe(page);
    expect(idleAudio.contextState).toBe('running');
    expect(
      idleAudio.peakRms,
      'the avatar should be silent before anyone speaks to it',
    ).toBeLessThan(SPEECH_RMS);

    // Speak: type, send, and listen to what arrives.
    await page.getByTestId('chat-input').fill(SPEECH_TEXT);
    await page.getByTestId('chat-send').click();
    // The transcript shows the avatar's turn once it has been spoken (~5 s here), so the mouth
    // is measured first and the transcript checked after.
    await expect
      .poll(async () => (await readAudioProbe(page)).firstLoudAt, {
        timeout: 10_000,
        message: 'no audible audio within 10 s of sending the text',
      })
      .not.toBeNull();
    const speech = await readAudioProbe(page);
    const latencyMs = (speech.firstLoudAt ?? 0) - (speech.sentAt ?? 0);
    console.log(`ui: send → first audible audio ${Math.round(latencyMs)} ms`);
    testInfo.annotations.push({
      type: 'send→audio latency',
      description: `${Math.round(latencyMs)} ms`,
    });

    // While speaking, the mouth region changes clearly; far from the face nothing does.
    let speakingMouth = 0;
    let speakingFar = 0;
    for (let i = 0; i < 25; i++) {
      const [m = 0, ...f] = await diffFromReference(page, [mouth, ...far]);
      speakingMouth = Math.max(speakingMouth, m);
      speakingFar = Math.max(speakingFar, ...f);
      if (i === 6) await page.screenshot({ path: path.join(IMAGES, 'session-live.png') });
      await wait(80);
    }
    console.log(
      `ui: mouth-box mean abs diff idle ${idleMouth.toFixed(2)} vs speaking ${speakingMouth.toFixed(2)}; ` +
        `far from face idle ${idleFar.toFixed(2)}, speaking ${speakingFar.toFixed(2)}`,
    );
    expect((await readAudioProbe(page)).peakRms).toBeGreaterThan(SPEECH_RMS);
    await expect(page.getByTestId('transcript')).toContainText(SPEECH_TEXT);
    expect(speakingMouth).toBeGreaterThan(Math.max(3 * idleMouth, 3));
    // Far from the face only video-coding noise remains (measured 0.1-1.7 while the encoder
    // settles), an order of magnitude below the mouth's change (≈26).
    expect(speakingFar).toBeLessThan(5);
    expect(speakingFar).toBeLessThan(speakingMouth / 4);
  } finally {
    await stopSessionQuietly(page, sessionId);
  }
});

test('a shared viewer link: private at first, then a guest watches and chats; stop ends it', async ({
  api,
  loggedInPage: owner,
  browser,
  sessionsToStop,
}) => {
  const avatar = await createReadyAvatar(api);
  const session = await startSession(api, avatar.id);
  sessionsToStop.push({ api, id: session.id });
  await owner.goto(`/sessions/${session.id}`);
  await expect(owner.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
    timeout: 60_000,
  });
  await expect(owner.getByTestId('viewer-url')).toHaveValue(session.viewerUrl);
  await expect(owner.getByTestId('public-viewing')).not.toBeChecked();

  // A logged-out guest: refused while the session is private.
  const guestContext = await browser.newContext({ permissions: WEBRTC_PERMISSIONS });
  try {
    const guest = await guestContext.newPage();
    await guest.goto(session.viewerUrl);
    // Guests choose the name the room shows first.
    await guest.getByTestId('display-name').fill('Grace');
    await guest.getByTestId('join-room').click();
    await expect(guest.getByTestId('connection-state')).toHaveAttribute('data-phase', 'error');
    await expect(guest.getByText('its owner has not made the session public')).toBeVisible();

    // The owner shares it; the guest reloads and watches the same session.
    const patched = owner.waitForResponse(
      (r) => r.url().endsWith(`/api/v1/sessions/${session.id}`) && r.request().method() === 'PATCH',
    );
    // The checkbox is controlled and follows the server's answer, so click rather than check()
    // (which insists on an immediate state change).
    await owner.getByTestId('public-viewing').click();
    expect((await patched).status()).toBe(200);
    await expect(owner.getByTestId('public-viewing')).toBeChecked();
    await guest.reload();
    // The name is remembered in this browser: one click joins.
    await expect(guest.getByTestId('display-name')).toHaveValue('Grace');
    await guest.getByTestId('join-room').click();
    await expect(guest.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    await waitForVideoPlaying(guest);
    const rate = await measureSteadyFrameRate(guest, {
      windowMs: 2000,
      windows: 3,
      fullWidthPx: 512,
      target: 15,
    });
    expect(rate.currentTimeAdvanceS).toBeGreaterThan(1.5);
    expect(rate.callbacksPerS).toBeGreaterThanOrEqual(15);

    // The guest chats, and the avatar says it (the guest hears it).
    await installAudioProbe(guest, SPEECH_RMS);
    await guest.getByTestId('room-chat-input').fill('Hello from a guest viewer, nice to meet you.');
    await guest.getByTestId('room-chat-send').click();
    await expect(
      guest.getByTestId('chat-line').filter({ hasText: 'Hello from a guest viewer' }),
    ).toHaveAttribute('data-from', 'Grace');
    // The owner's page shows the same room: the guest by name, and the line.
    await expect(owner.getByTestId('room-person').filter({ hasText: 'Grace' })).toBeVisible();
    await expect(
      owner.getByTestId('chat-line').filter({ hasText: 'Hello from a guest viewer' }),
    ).toBeVisible();
    await expect
      .poll(async () => (await readAudioProbe(guest)).firstLoudAt, { timeout: 10_000 })
      .not.toBeNull();
    await guest.screenshot({ path: path.join(IMAGES, 'watch.png') });

    // Stop: the owner confirms; the session ends for the owner and the guest.
    owner.once('dialog', (dialog) => void dialog.accept());
    await owner.getByTestId('stop-session').click();
    await expect(owner.getByTestId('session-status')).toHaveText('ended', { timeout: 30_000 });
    await expect(owner.getByText('This session has ended.')).toBeVisible();
    await expect(guest.getByTestId('connection-state')).toHaveAttribute('data-phase', 'ended', {
      timeout: 30_000,
    });
    await expect(guest.getByText('The session has ended.').first()).toBeVisible();
    const after = (await (await api.get(`/api/v1/sessions/${session.id}`)).json()) as {
      status: string;
    };
    expect(after.status).toBe('ended');
  } finally {
    await guestContext.close();
  }
});

/**
 * Media playback as in a browser that enforces the autoplay policy: until the page has had a
 * user gesture (a trusted click or key press), play() on unmuted media is refused with NotAllowedError and media that starts
 * on its own (the autoplay attribute) is paused again. Headless Chromium driven by Playwright
 * (checked with 1.56 here) plays media without a gesture whatever --autoplay-policy says, so
 * without this the viewer's "enable sound" path could not be reached in a test.
 */
function enforceAutoplayPolicy() {
  const play = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'play')!.value as (
    this: HTMLMediaElement,
  ) => Promise<void>;
  // A trusted click or key press is the gesture. (navigator.userActivation already reads
  // true in these pages before any input, so it cannot stand for the gesture here.)
  let gesture = false;
  for (const type of ['pointerdown', 'keydown']) {
    window.addEventListener(type, (event) => (gesture ||= event.isTrusted), true);
  }
  const mayPlay = (media: HTMLMediaElement) => media.muted || gesture;
  HTMLMediaElement.prototype.play = function playIfAllowed(this: HTMLMediaElement) {
    if (mayPlay(this)) return play.call(this);
    return Promise.reject(new DOMException('play() needs a user gesture first', 'NotAllowedError'));
  };
  document.addEventListener(
    'play',
    (event) => {
      const media = event.target as HTMLMediaElement;
      if (!mayPlay(media)) media.pause();
    },
    true,
  );
}

test('when the browser blocks autoplay, the viewer offers a button to enable sound', async ({
  api,
  clients,
  browser,
  sessionsToStop,
}) => {
  const context = await browser.newContext({
    baseURL: E2E_APP_URL,
    permissions: WEBRTC_PERMISSIONS,
    storageState: await clients.authedRequest.storageState(),
  });
  try {
    await context.addInitScript(enforceAutoplayPolicy);
    const page = await context.newPage();
    const avatar = await createReadyAvatar(api);
    const session = await startSession(api, avatar.id);
    sessionsToStop.push({ api, id: session.id });
    await page.goto(`/sessions/${session.id}`);
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    const button = page.getByTestId('enable-sound');
    await expect(button).toBeVisible({ timeout: 15_000 });
    const audio = page.locator('audio[data-testid=avatar-audio]');
    await expect(audio).toHaveJSProperty('paused', true);
    await button.click();
    await expect(button).toBeHidden();
    await expect(audio).toHaveJSProperty('paused', false);
  } finally {
    await context.close();
  }
});
