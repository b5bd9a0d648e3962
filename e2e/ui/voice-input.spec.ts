/**
 * Talking to the avatar with the microphone, in real Chromium whose fake capture device plays
 * a Flite recording of a question: the owner turns the mic on hands-free, the session hears
 * the question, transcribes it, answers aloud with captions, and the transcript shows the
 * question as the owner's; push-to-talk opens the mic only while held. Guests get the mic
 * only once the owner lets them talk, without reloading, and their words are theirs.
 *
 * Transcription and the language model are a LOCAL STAND-IN (tests/support/openai-stand-in.ts)
 * speaking the OpenAI `/v1/audio/transcriptions` and `/v1/chat/completions` APIs on 127.0.0.1
 * inside the test namespace; no paid service is called. The stand-in answers every upload
 * with the question's text, and records how long the uploaded audio was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { type StandIn, startOpenAiStandIn } from '../../tests/support/openai-stand-in';
import { expect, startSession, test } from '../fixtures';
import { WEBRTC_PERMISSIONS } from '../support/chromium';
import { launchWithFakeMicrophone, writeSpokenWav } from '../support/fake-microphone';
import { installAudioProbe, readAudioProbe, resetAudioPeak } from '../support/media-probes';
import { createStandInAvatar } from '../support/stand-in-avatar';
import { E2E_APP_URL } from '../support/stack-info';

const QUESTION = 'What time does the museum open?';
const ANSWER = 'The museum opens at nine in the morning.';
/** Analyser RMS (full scale 1) above which received audio counts as speech (−40 dBFS). */
const SPEECH_RMS = 0.01;

let standIn: StandIn;
let browser: Browser;
let speechMs: number;
let tmpDir: string;

test.beforeAll(async ({ playwright }) => {
  standIn = await startOpenAiStandIn();
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-voice-e2e-'));
  const wav = path.join(tmpDir, 'question.wav');
  ({ speechMs } = await writeSpokenWav(wav, QUESTION));
  browser = await launchWithFakeMicrophone(playwright.chromium, wav);
});
test.afterAll(async () => {
  await browser?.close();
  await standIn?.close();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

/** The longest audio the stand-in transcriber received, ms. */
const longestUpload = () =>
  Math.max(0, ...standIn.transcription.requests.map((r) => r.durationMs ?? 0));

test('the owner asks aloud, hands-free: transcribed, answered with captions and sound, and push-to-talk opens the mic only while held', async ({
  api,
  clients,
  sessionsToStop,
}) => {
  standIn.transcription.reset();
  standIn.transcription.set({ text: QUESTION, delayMs: 100 });
  standIn.chat.set({ answer: ANSWER, tokenIntervalMs: 20 });
  const avatarId = await createStandInAvatar(api, standIn);
  const session = await startSession(api, avatarId);
  sessionsToStop.push({ api, id: session.id });

  const context = await browser.newContext({
    baseURL: E2E_APP_URL,
    permissions: WEBRTC_PERMISSIONS,
    storageState: await clients.authedRequest.storageState(),
  });
  try {
    const page = await context.newPage();
    await page.goto(`/sessions/${session.id}`);
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    const control = page.getByTestId('mic-control');
    await expect(control).toHaveAttribute('data-allowed', 'true');
    const mic = page.getByTestId('mic-button');
    await expect(mic).toHaveAttribute('aria-pressed', 'false');
    await installAudioProbe(page, SPEECH_RMS);
    await resetAudioPeak(page);
    expect((await readAudioProbe(page)).peakRms, 'silent before anyone talks').toBeLessThan(
      SPEECH_RMS,
    );

    // Hands-free: one press, and the mic stays on.
    await page.getByTestId('mic-mode-hands-free').check();
    await mic.click();
    await expect(mic).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('mic-level')).toBeVisible();
    await expect(page.getByTestId('mic-status')).toHaveText('The avatar hears you.');

    // Attributed to the owner in the transcript, answered by the model, heard with captions.
    const turns = page.getByTestId('transcript-turn');
    const asked = turns.filter({ hasText: QUESTION });
    await expect(asked).toHaveAttribute('data-role', 'user', { timeout: 30_000 });
    await expect(asked).toHaveAttribute('data-speaker', /^viewer-/);
    await expect(asked).toContainText(`You: ${QUESTION}`);
    // The transcriber got about the question's length of audio (the session may also send
    // the turn so far at a short pause, to have the words sooner: the longest is the turn).
    const uploaded = longestUpload();
    expect(standIn.transcription.requests[0]?.model).toBe('stand-in-whisper');
    expect(uploaded, 'uploaded audio length, ms').toBeGreaterThanOrEqual(1_000);
    expect(uploaded).toBeLessThanOrEqual(10_000);
    console.log(
      `ui: spoken question ${Math.round(speechMs)} ms → transcribed ${Math.round(uploaded)} ms of audio in ${standIn.transcription.requests.length} request(s)`,
    );
    await expect(page.getByTestId('captions')).toContainText('museum opens', { timeout: 15_000 });
    await expect
      .poll(async () => (await readAudioProbe(page)).peakRms, {
        timeout: 10_000,
        message: 'the answer is heard',
      })
      .toBeGreaterThan(SPEECH_RMS);
    const request = await standIn.chat.waitForRequest(1, 5_000);
    expect(request.body.messages?.at(-1)).toMatchObject({ role: 'user', content: QUESTION });
    await expect(turns.filter({ hasText: 'nine in the morning' })).toHaveAttribute(
      'data-role',
      'avatar',
      { timeout: 15_000 },
    );

    // Pressed again: off.
    await mic.click();
    await expect(mic).toHaveAttribute('aria-pressed', 'false');

    // Push-to-talk: on while the button or Space is held, off when released.
    await page.getByTestId('mic-mode-push').check();
    await expect(mic).toHaveText(/Hold to talk/);
    await mic.hover();
    await page.mouse.down();
    await expect(mic).toHaveAttribute('aria-pressed', 'true');
    await page.mouse.up();
    await expect(mic).toHaveAttribute('aria-pressed', 'false');
    await page.locator('h1').click();
    await page.keyboard.down('Space');
    await expect(mic).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.up('Space');
    await expect(mic).toHaveAttribute('aria-pressed', 'false');
    // Space typed into a text field is just a space.
    await page.getByTestId('chat-input').press('Space');
    await expect(page.getByTestId('chat-input')).toHaveValue(' ');
    await expect(mic).toHaveAttribute('aria-pressed', 'false');
  } finally {
    await context.close();
  }
});

test('a guest gets the mic only once the owner lets guests talk, and what they say is theirs', async ({
  api,
  clients,
  sessionsToStop,
}) => {
  standIn.transcription.reset();
  standIn.transcription.set({ text: QUESTION, delayMs: 100 });
  standIn.chat.set({ answer: ANSWER, tokenIntervalMs: 20 });
  const avatarId = await createStandInAvatar(api, standIn);
  const session = await startSession(api, avatarId, { publicViewing: true });
  sessionsToStop.push({ api, id: session.id });

  const ownerContext = await browser.newContext({
    baseURL: E2E_APP_URL,
    permissions: WEBRTC_PERMISSIONS,
    storageState: await clients.authedRequest.storageState(),
  });
  // Not logged in: a guest on the shared link.
  const guestContext = await browser.newContext({
    baseURL: E2E_APP_URL,
    permissions: WEBRTC_PERMISSIONS,
  });
  try {
    const guest = await guestContext.newPage();
    await guest.goto(new URL(session.viewerUrl).pathname);
    await guest.getByTestId('display-name').fill('Guest');
    await guest.getByTestId('join-room').click();
    await expect(guest.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    const guestMic = guest.getByTestId('mic-button');
    await expect(guest.getByTestId('mic-control')).toHaveAttribute('data-allowed', 'false');
    await expect(guestMic).toBeDisabled();
    await expect(guest.getByTestId('mic-not-allowed')).toHaveText(
      'The host has not allowed guests to talk.',
    );

    // The owner flips the switch; the guest's page gets the mic without a reload.
    const owner = await ownerContext.newPage();
    await owner.goto(`/sessions/${session.id}`);
    const guestsMayTalk = owner.getByTestId('guests-may-talk');
    await expect(guestsMayTalk).not.toBeChecked();
    await guestsMayTalk.check();
    await expect
      .poll(async () => {
        const shown = await api.get(`/api/v1/sessions/${session.id}`);
        return ((await shown.json()) as { guestsMayTalk?: boolean }).guestsMayTalk;
      })
      .toBe(true);
    await expect(guest.getByTestId('mic-control')).toHaveAttribute('data-allowed', 'true', {
      timeout: 15_000,
    });
    await guest.getByTestId('mic-mode-hands-free').check();
    await guestMic.click();
    await expect(guestMic).toHaveAttribute('aria-pressed', 'true');

    // The session hears the guest: the owner sees the question as the guest's.
    const asked = owner.getByTestId('transcript-turn').filter({ hasText: QUESTION });
    await expect(asked).toHaveAttribute('data-speaker', /^guest-/, { timeout: 30_000 });
    await expect(asked).toContainText(`Guest: ${QUESTION}`);
    expect(longestUpload()).toBeGreaterThanOrEqual(1_000);
    await expect(guest.getByTestId('captions')).toContainText('museum opens', {
      timeout: 15_000,
    });

    // Switched off again: the guest's mic goes off and the button says why.
    await guestsMayTalk.uncheck();
    await expect(guest.getByTestId('mic-not-allowed')).toBeVisible({ timeout: 15_000 });
    await expect(guestMic).toHaveAttribute('aria-pressed', 'false');
  } finally {
    await guestContext.close();
    await ownerContext.close();
  }
});
