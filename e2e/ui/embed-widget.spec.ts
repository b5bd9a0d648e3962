/**
 * The embeddable widget in real Chromium, on a host page served from a second origin
 * (127.0.0.2, a loopback address of the test namespace): the one-tag snippet draws a
 * launcher, opening it starts a conversation, the video plays, a typed message and a
 * spoken question (Chromium's fake microphone) are answered with captions, and the
 * facecast:* events reach the host page. A page of a site not in the allowlist cannot frame
 * it (frame-ancestors) nor get a token (403); an unknown key shows a 404 inside the frame;
 * the start rate limit answers 429 with Retry-After and the widget says so kindly; a
 * tampered visitor JWT is ignored.
 *
 * The language model and the transcriber are a LOCAL STAND-IN (tests/support/openai-stand-in.ts)
 * on 127.0.0.1 inside the namespace; no paid service is called.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { SignJWT } from 'jose';
import { type StandIn, startOpenAiStandIn } from '../../tests/support/openai-stand-in';
import { type UserClients, createUserClients, expect, test } from '../fixtures';
import { launchWithFakeMicrophone, writeSpokenWav } from '../support/fake-microphone';
import { E2E_APP_URL } from '../support/stack-info';
import { createStandInAvatar } from '../support/stand-in-avatar';
import {
  APP,
  type HostSite,
  embed,
  events,
  messages,
  shopPage,
  snippet,
  startHostSite,
  visitorAddress,
  visitorPage,
} from '../support/widget-host';

// In order, one at a time: each runs a live session next to the other suites' sessions.
test.describe.configure({ mode: 'default' });

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');
const QUESTION = 'What time does the museum open?';
const ANSWER = 'The museum opens at nine in the morning.';

let standIn: StandIn;
let browser: Browser;
let tmpDir: string;
let shop: HostSite;
let stranger: HostSite;
/** One owner and one avatar for the file: preparing an avatar per test costs minutes here. */
let owner: UserClients;
let avatarId: string;

test.beforeAll(async ({ playwright }) => {
  standIn = await startOpenAiStandIn();
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-widget-e2e-'));
  const wav = path.join(tmpDir, 'question.wav');
  await writeSpokenWav(wav, QUESTION, { leadingSilenceMs: 4_000 });
  browser = await launchWithFakeMicrophone(playwright.chromium, wav);
  shop = await startHostSite('127.0.0.2');
  stranger = await startHostSite('127.0.0.3');
  owner = await createUserClients();
  avatarId = await createStandInAvatar(owner.api, standIn);
});
test.afterAll(async () => {
  await owner?.api.dispose();
  await owner?.authedRequest.dispose();
  await browser?.close();
  await standIn?.close();
  await shop?.close();
  await stranger?.close();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

test('a visitor opens the widget on a shop page, types and asks aloud, and the page hears every event', async ({
  sessionsToStop,
}) => {
  const { api } = owner;
  standIn.transcription.reset();
  standIn.transcription.set({ text: QUESTION, delayMs: 100 });
  standIn.chat.set({ answer: ANSWER, tokenIntervalMs: 20 });
  const settings = await embed(api, avatarId, {
    allowedOrigins: [shop.origin],
    mode: 'chat',
    launcherLabel: 'Ask our guide',
    theme: { mode: 'light', accent: '#2d4739' },
    microphone: true,
    allowSay: true,
  });
  expect(settings.snippet).toBe(snippet(settings.embedKey));
  const visitor = await new SignJWT({ id: 'cust-7', name: 'Ada' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(settings.secret));
  shop.setPage(shopPage(snippet(settings.embedKey, ` data-visitor-token="${visitor}"`)));

  const page = await visitorPage(browser);
  try {
    await page.goto(shop.origin);
    const launcher = page.locator('[data-facecast-launcher]');
    await expect(launcher).toHaveText('Ask our guide');
    await launcher.click();
    const frame = page.frameLocator('iframe[data-facecast-frame]');
    await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    const sessions = (await (await api.get('/api/v1/sessions')).json()) as {
      sessions: Array<{ id: string; source: string; status: string }>;
    };
    const session = sessions.sessions.find((s) => s.source === 'widget');
    expect(session, 'the widget session is in the owner’s list').toBeDefined();
    sessionsToStop.push({ api, id: session!.id });
    // The video really plays: frames arrive and have a size.
    await expect
      .poll(() =>
        frame
          .getByTestId('avatar-video')
          .evaluate((v: HTMLVideoElement) => v.videoWidth * (v.currentTime > 0 ? 1 : 0)),
      )
      .toBeGreaterThan(0);
    await expect
      .poll(() => messages(page))
      .toContainEqual({ type: 'facecast:ready', state: 'live' });

    // A typed message: answered by the model, with captions, and told to the page.
    await frame.getByTestId('chat-input').fill('When are you open?');
    await frame.getByTestId('chat-send').click();
    await expect(frame.getByTestId('captions')).toContainText('museum opens', { timeout: 30_000 });
    await expect
      .poll(async () => (await events(page)).filter((e) => e.type === 'facecast:transcript'), {
        timeout: 20_000,
      })
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({ role: 'user', text: 'When are you open?', name: 'Ada' }),
          expect.objectContaining({ role: 'avatar', text: expect.stringContaining('nine') }),
        ]),
      );
    expect(await events(page)).toContainEqual(
      expect.objectContaining({ type: 'facecast:speaking', speaking: true }),
    );
    await page.screenshot({ path: path.join(IMAGES, 'widget.png') });

    // A spoken question through the fake microphone: transcribed, answered, told to the page.
    await frame.getByTestId('mic-mode-hands-free').check();
    await frame.getByTestId('mic-button').click();
    await expect(frame.getByTestId('mic-button')).toHaveAttribute('aria-pressed', 'true');
    await expect
      .poll(async () => messages(page), { timeout: 45_000 })
      .toContainEqual(
        expect.objectContaining({ type: 'facecast:transcript', role: 'user', text: QUESTION }),
      );
    const request = await standIn.chat.waitForRequest(2, 20_000);
    expect(request.body.messages?.at(-1)).toMatchObject({ role: 'user', content: QUESTION });

    // The page makes it speak (allowed by the owner): a turn like a typed one.
    await page.evaluate(() =>
      window.postMessage(
        { type: 'facecast:say', text: 'Do you sell gift cards?' },
        location.origin,
      ),
    );
    const said = await standIn.chat.waitForRequest(3, 20_000);
    expect(said.body.messages?.at(-1)).toMatchObject({ content: 'Do you sell gift cards?' });

    // Closing the widget ends the conversation.
    await frame.getByTestId('widget-close').click();
    await expect(page.locator('[data-facecast-panel]')).toBeHidden();
    await expect
      .poll(() => events(page))
      .toContainEqual(expect.objectContaining({ type: 'facecast:ended', reason: 'closed' }));
    await expect
      .poll(async () => {
        const body = (await (await api.get(`/api/v1/sessions/${session!.id}`)).json()) as {
          status: string;
        };
        return body.status;
      })
      .toBe('ended');
  } finally {
    await page.context().close();
  }
});

test('only allowed sites may frame the widget or get a token; every other page is unframeable', async ({
  playwright,
}) => {
  const { api } = owner;
  const settings = await embed(api, avatarId, { allowedOrigins: [shop.origin] });

  // The headers: the embed page names the allowed site; every other page forbids framing.
  const anonymous = await playwright.request.newContext({ baseURL: E2E_APP_URL });
  try {
    const framePage = await anonymous.get(`/embed/${settings.embedKey}`);
    expect(framePage.status()).toBe(200);
    expect(framePage.headers()['content-security-policy']).toContain(
      `frame-ancestors 'self' ${shop.origin}`,
    );
    for (const url of ['/', '/login', '/docs/api', '/api/health']) {
      const response = await anonymous.get(url);
      expect(response.headers()['content-security-policy'], url).toContain(
        "frame-ancestors 'none'",
      );
      expect(response.headers()['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers()['referrer-policy'], url).toBeTruthy();
    }

    // The token endpoint: 403 for a foreign Origin, with nothing to read for its scripts.
    const refused = await anonymous.post(`/api/embed/${settings.embedKey}/session`, {
      headers: { origin: stranger.origin, 'x-forwarded-for': visitorAddress() },
      data: {},
    });
    expect(refused.status(), await refused.text()).toBe(403);
    expect(refused.headers()['access-control-allow-origin']).toBeUndefined();
    const preflight = await anonymous.fetch(`/api/embed/${settings.embedKey}/session`, {
      method: 'OPTIONS',
      headers: { origin: shop.origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers()['access-control-allow-origin']).toBe(shop.origin);
  } finally {
    await anonymous.dispose();
  }

  // On the allowed site, the custom element renders inline and its events are DOM events.
  shop.setPage(
    shopPage(
      `<facecast-avatar id="guide" avatar="${settings.embedKey}"></facecast-avatar>
       <script>document.getElementById('guide').addEventListener('facecast:ready',
         (e) => { window.elementReady = e.detail.state; });</script>${snippet(settings.embedKey, ' data-target="#inline"')}`,
    ),
  );
  const allowed = await visitorPage(browser);
  try {
    await allowed.goto(shop.origin);
    const element = allowed.frameLocator('facecast-avatar iframe');
    await expect(element.getByTestId('widget-start')).toHaveText('Start conversation');
    await expect
      .poll(() =>
        allowed.evaluate(() => (window as unknown as { elementReady?: string }).elementReady),
      )
      .toBe('idle');
    await expect(allowed.frameLocator('#inline iframe').getByTestId('widget')).toBeVisible();
  } finally {
    await allowed.context().close();
  }

  // In the browser: the stranger's frame is refused, and the loader draws nothing there.
  stranger.setPage(
    shopPage(
      `<iframe id="raw" src="${APP}/embed/${settings.embedKey}"></iframe>${snippet(settings.embedKey)}`,
    ),
  );
  const page = await visitorPage(browser);
  const logged: string[] = [];
  page.on('console', (message) => logged.push(message.text()));
  try {
    await page.goto(stranger.origin);
    // Chromium says why it left the frame empty.
    await expect
      .poll(() => logged)
      .toContainEqual(
        expect.stringMatching(/violates .*"frame-ancestors 'self' http:\/\/127\.0\.0\.2/),
      );
    await expect(page.frameLocator('#raw').getByTestId('widget')).toHaveCount(0);
    await page.waitForTimeout(1_000);
    await expect(page.locator('[data-facecast-launcher]')).toHaveCount(0);
  } finally {
    await page.context().close();
  }
});

test('bad input: an unknown key, too many starts, a tampered visitor token', async ({
  sessionsToStop,
}) => {
  const { api } = owner;
  const settings = await embed(api, avatarId, { allowedOrigins: [shop.origin], maxSessions: 1 });

  // An unknown key inline: the frame says the widget is not available (404 inside it).
  shop.setPage(shopPage(snippet('no-such-key', ' data-target="#inline"')));
  const lost = await visitorPage(browser);
  try {
    await lost.goto(shop.origin);
    await expect(lost.frameLocator('#inline iframe').getByTestId('embed-not-found')).toContainText(
      'not available',
    );
  } finally {
    await lost.context().close();
  }

  // A tampered visitor token is ignored: the visitor is anonymous, not refused.
  const address = visitorAddress();
  const good = await new SignJWT({ id: 'v1', name: 'Ada' })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(settings.secret));
  const [header, , signature] = good.split('.');
  const forged = Buffer.from(JSON.stringify({ id: 'v1', name: 'The Owner' })).toString('base64url');
  const start = (visitorToken?: string) =>
    api.post(`/api/embed/${settings.embedKey}/session`, {
      headers: { origin: shop.origin, 'x-forwarded-for': address },
      data: visitorToken ? { visitorToken } : {},
    });
  const tampered = await start(`${header}.${forged}.${signature}`);
  expect(tampered.status(), await tampered.text()).toBe(201);
  const grant = (await tampered.json()) as { name: string; sessionId: string; token: string };
  sessionsToStop.push({ api, id: grant.sessionId });
  expect(grant.name).toBe('Visitor');

  // Over the per-address start rate (10 a minute by default): 429 with Retry-After. The
  // embed's one conversation is taken, so the starts in between are refused (409) cheaply.
  const statuses: number[] = [];
  let last = tampered;
  for (let i = 0; i < 10; i++) {
    last = await start();
    statuses.push(last.status());
    if (last.status() === 429) break;
  }
  expect(
    statuses.slice(0, 9).every((s) => s === 409),
    statuses.join(','),
  ).toBe(true);
  expect(last.status()).toBe(429);
  expect(Number(last.headers()['retry-after'])).toBeGreaterThan(0);

  // The widget, from that address, says so kindly.
  shop.setPage(shopPage(snippet(settings.embedKey)));
  const page = await visitorPage(browser, { xff: address });
  try {
    await page.goto(shop.origin);
    await page.locator('[data-facecast-launcher]').click();
    await expect(
      page.frameLocator('iframe[data-facecast-frame]').getByTestId('widget-message'),
    ).toContainText(/try again in \d+ seconds/i);
  } finally {
    await page.context().close();
  }
  const ended = await api.post(`/api/embed/${settings.embedKey}/session/end`, {
    data: { token: grant.token },
  });
  expect(ended.status()).toBe(204);
});
