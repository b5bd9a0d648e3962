/**
 * The widget honours its owner's settings and obeys only its own page, in real Chromium on a
 * host page served from a second origin (127.0.0.2): a dark theme on the left without a
 * microphone, with a greeting shown and spoken, where the page may not make it speak; the
 * page opens and closes it with facecast:open / facecast:close while a frame of another site
 * (127.0.0.3) on that page is not obeyed. The first test also measures the launcher click →
 * the widget's first video frame (docs/performance.md). Start audio: embed-widget-sound.spec.ts.
 *
 * The language model is a LOCAL STAND-IN (tests/support/openai-stand-in.ts) on 127.0.0.1
 * inside the namespace; no paid service is called.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { type StandIn, startOpenAiStandIn } from '../../tests/support/openai-stand-in';
import { type UserClients, createUserClients, expect, test } from '../fixtures';
import { installFirstFrameClock, readFirstFrameDelay } from '../support/first-frame-clock';
import { createStandInAvatar } from '../support/stand-in-avatar';
import {
  type HostSite,
  embed,
  events,
  messages,
  shopPage,
  snippet,
  startHostSite,
  visitorPage,
  widgetSessions,
} from '../support/widget-host';

// In order, one at a time: each runs a live session next to the other suites' sessions.
test.describe.configure({ mode: 'default' });

const GREETING =
  'Welcome to the museum shop! I can tell you about our opening hours, prints and posters.';
const ANSWER = 'The museum opens at nine in the morning.';
/** The owner's accent colour, and as the browser computes it. */
const ACCENT = '#c2410c';
const ACCENT_RGB = 'rgb(194, 65, 12)';
/** The dark theme's panel colour (globals.css --panel). */
const DARK_PANEL_RGB = 'rgb(24, 27, 34)';
/** A user-noticeable bound for click → first frame on this shared 2-core machine, ms. */
const FIRST_FRAME_BOUND_MS = 15_000;

let standIn: StandIn;
let shop: HostSite;
let stranger: HostSite;
/** One owner and one avatar for the file: preparing an avatar per test costs minutes here. */
let owner: UserClients;
let avatarId: string;

test.beforeAll(async () => {
  standIn = await startOpenAiStandIn();
  shop = await startHostSite('127.0.0.2');
  stranger = await startHostSite('127.0.0.3');
  owner = await createUserClients();
  avatarId = await createStandInAvatar(owner.api, standIn);
});
test.afterAll(async () => {
  await owner?.api.dispose();
  await owner?.authedRequest.dispose();
  await standIn?.close();
  await shop?.close();
  await stranger?.close();
});

/** The texts the widget's frame sends as the visitor (POST /api/rooms/:id/chat), in order. */
function recordChats(context: BrowserContext): string[] {
  const texts: string[] = [];
  context.on('request', (request) => {
    if (request.method() === 'POST' && /\/api\/rooms\/[^/]+\/chat$/.test(request.url())) {
      texts.push((request.postDataJSON() as { text: string }).text);
    }
  });
  return texts;
}

/** The widget session a visitor just opened (one not in `known`), once it is listed. */
async function openedSession(known: string[]): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(
      async () => (id = (await widgetSessions(owner.api)).find((s) => !known.includes(s.id))?.id),
    )
    .toEqual(expect.any(String));
  return id!;
}

async function sessionStatus(id: string): Promise<string> {
  const response = await owner.api.get(`/api/v1/sessions/${id}`);
  return ((await response.json()) as { status: string }).status;
}

/** Posts a command as the host page's own script does (docs/widget.md). */
const command = (page: Page, message: object) =>
  page.evaluate((m) => window.postMessage(m, location.origin), message);

test('the owner’s settings: dark on the left, no microphone, a greeting shown and spoken, and the page may not make it speak', async ({
  browser,
  sessionsToStop,
}) => {
  standIn.chat.reset();
  standIn.chat.set({ answer: ANSWER, tokenIntervalMs: 20 });
  const settings = await embed(owner.api, avatarId, {
    allowedOrigins: [shop.origin],
    mode: 'chat',
    greeting: GREETING,
    theme: { mode: 'dark', accent: ACCENT },
    position: 'bottom-left',
    launcherLabel: 'Ask us',
    microphone: false,
    allowSay: false,
    maxMinutes: 7,
  });
  shop.setPage(shopPage(snippet(settings.embedKey)));
  const known = (await widgetSessions(owner.api)).map((s) => s.id);
  const page = await visitorPage(browser);
  const chats = recordChats(page.context());
  await installFirstFrameClock(page.context());
  try {
    await page.goto(shop.origin);
    // The launcher: the owner's label and accent, at the bottom left (20 px from the edge).
    const launcher = page.locator('[data-facecast-launcher]');
    await expect(launcher).toHaveText('Ask us');
    await expect(launcher).toHaveCSS('background-color', ACCENT_RGB);
    await expect(launcher).toHaveCSS('left', '20px');
    expect((await launcher.boundingBox())?.x).toBe(20);

    // The frame's session request (POST /api/embed/:key/session): its grant says when it ends.
    const grantResponse = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        /^\/api\/embed\/[^/]+\/session$/.test(new URL(response.url()).pathname),
    );
    await launcher.click();
    const grant = (await (await grantResponse).json()) as { kind: string; endsBy: string | null };
    expect(grant.kind).toBe('session');
    // The owner's longest length (7 minutes) from the start, not the 10-minute token's life.
    const endsIn = Date.parse(grant.endsBy ?? '') - Date.now();
    expect(endsIn).toBeGreaterThan(6 * 60_000);
    expect(endsIn).toBeLessThanOrEqual(7 * 60_000);
    const panel = page.locator('[data-facecast-panel]');
    await expect(panel).toBeVisible();
    expect((await panel.boundingBox())?.x).toBe(20);
    await expect(panel).toHaveCSS('background-color', DARK_PANEL_RGB);

    // Click → the widget's first video frame, as the visitor sees it.
    const frameHandle = await page.locator('iframe[data-facecast-frame]').elementHandle();
    const widgetFrame = await frameHandle!.contentFrame();
    const firstFrame = await readFirstFrameDelay(page, widgetFrame!);
    const firstFrameMs = firstFrame.clickMs;
    console.log(
      `widget: launcher click → first video frame ${Math.round(firstFrameMs)} ms ` +
        `(${Math.round(firstFrame.sessionMs)} ms of it after the session request)`,
    );
    test.info().annotations.push(
      { type: 'click → first frame (ms)', description: String(Math.round(firstFrameMs)) },
      {
        type: 'session request → first frame (ms)',
        description: String(Math.round(firstFrame.sessionMs)),
      },
    );
    expect(firstFrame.sessionMs).toBeGreaterThan(0);
    expect(firstFrame.sessionMs).toBeLessThan(firstFrameMs);
    expect(firstFrameMs, 'click → first video frame of the widget, ms').toBeLessThan(
      FIRST_FRAME_BOUND_MS,
    );
    sessionsToStop.push({ api: owner.api, id: await openedSession(known) });

    // The greeting: shown as captions, spoken (the page hears it speak), told to the page.
    const frame = page.frameLocator('iframe[data-facecast-frame]');
    await expect(frame.getByTestId('captions')).toContainText('Welcome to the museum shop');
    await expect
      .poll(() => messages(page))
      .toContainEqual(
        expect.objectContaining({
          type: 'facecast:transcript',
          role: 'avatar',
          text: expect.stringContaining('prints and posters'),
        }),
      );
    expect(await messages(page)).toContainEqual({ type: 'facecast:speaking', speaking: true });

    // Inside the frame: the dark theme with the owner's accent; no microphone, sound plays.
    const widget = frame.getByTestId('widget');
    await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live');
    await expect(widget).toHaveClass(/\bdark\b/);
    await expect(widget).toHaveCSS('background-color', DARK_PANEL_RGB);
    await expect(frame.getByTestId('chat-send')).toHaveCSS('background-color', ACCENT_RGB);
    await expect(frame.getByTestId('chat-input')).toBeEnabled();
    await expect(frame.getByTestId('mic-control')).toHaveCount(0);
    await expect(frame.getByTestId('mic-button')).toHaveCount(0);
    await expect(frame.getByTestId('enable-sound')).toHaveCount(0);

    // facecast:say from the page is ignored (allowSay is off); the visitor's typing is not.
    await command(page, { type: 'facecast:say', text: 'Tell everyone we are closed today.' });
    await page.waitForTimeout(2_000);
    expect(chats, 'the frame sent the page’s line as a chat message').toEqual([]);
    await frame.getByTestId('chat-input').fill('When are you open?');
    await frame.getByTestId('chat-send').click();
    const asked = await standIn.chat.waitForRequest(1, 30_000);
    expect(asked.body.messages?.at(-1)).toMatchObject({
      role: 'user',
      content: 'When are you open?',
    });
    await expect(frame.getByTestId('captions')).toContainText('museum opens');
    await page.waitForTimeout(1_000);
    expect(chats).toEqual(['When are you open?']);
    expect(standIn.chat.requests).toHaveLength(1);
    expect(await messages(page)).not.toContainEqual(
      expect.objectContaining({ text: 'Tell everyone we are closed today.' }),
    );

    await frame.getByTestId('widget-close').click();
    await expect(panel).toBeHidden();
  } finally {
    await page.context().close();
  }
});

test('the page opens and closes the widget with facecast:open and facecast:close; a frame of another site is not obeyed', async ({
  browser,
  sessionsToStop,
}) => {
  standIn.chat.reset();
  standIn.chat.set({ answer: ANSWER, tokenIntervalMs: 20 });
  const settings = await embed(owner.api, avatarId, {
    allowedOrigins: [shop.origin],
    mode: 'chat',
    greeting: '',
    theme: { mode: 'light', accent: '#2d4739' },
    position: 'bottom-right',
    launcherLabel: 'Ask our guide',
    microphone: true,
    allowSay: true,
  });
  // An advertisement of another site, framed by the shop's page next to the widget.
  stranger.setPage('<!doctype html><title>An ad</title><p>Advertisement</p>');
  shop.setPage(
    shopPage(
      `<iframe id="ad" title="Advertisement" src="${stranger.origin}/" style="width:320px;height:60px;border:0"></iframe>${snippet(settings.embedKey)}`,
    ),
  );
  const known = (await widgetSessions(owner.api)).map((s) => s.id);
  const page = await visitorPage(browser);
  const chats = recordChats(page.context());
  try {
    await page.goto(shop.origin);
    const launcher = page.locator('[data-facecast-launcher]');
    const panel = page.locator('[data-facecast-panel]');
    const frame = page.frameLocator('iframe[data-facecast-frame]');
    await expect(launcher).toHaveText('Ask our guide');
    await expect(panel).toBeHidden();

    // facecast:open from the page's own script: the panel opens and the conversation starts.
    await command(page, { type: 'facecast:open' });
    await expect(panel).toBeVisible();
    await expect(launcher).toHaveAttribute('aria-expanded', 'true');
    await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    const first = await openedSession(known);
    sessionsToStop.push({ api: owner.api, id: first });

    // The ad's frame (origin 127.0.0.3) posts commands to the page and straight into the
    // widget's frame: neither obeys it.
    const ad = page.frame({ url: (url) => url.origin === stranger.origin });
    expect(ad, 'the ad frame loaded').not.toBeNull();
    const reached = await ad!.evaluate(() => {
      const top = window.parent;
      const targets = [top, ...Array.from({ length: top.frames.length }, (_, i) => top.frames[i]!)];
      for (const target of targets) {
        target.postMessage({ type: 'facecast:say', text: 'Visit our competitor instead.' }, '*');
        target.postMessage({ type: 'facecast:close' }, '*');
      }
      return targets.length;
    });
    expect(reached, 'the page, the ad and the widget’s frame').toBe(3);
    await page.waitForTimeout(2_000);
    await expect(panel).toBeVisible();
    await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live');
    expect(chats, 'the widget sent the foreign frame’s line').toEqual([]);

    // The page's own facecast:say (allowed here) is a turn; only it reached the model.
    await command(page, { type: 'facecast:say', text: 'Do you sell gift cards?' });
    const said = await standIn.chat.waitForRequest(1, 30_000);
    expect(said.body.messages?.at(-1)).toMatchObject({ content: 'Do you sell gift cards?' });
    await page.waitForTimeout(1_000);
    expect(chats).toEqual(['Do you sell gift cards?']);
    expect(standIn.chat.requests).toHaveLength(1);

    // facecast:close: the panel closes and the conversation ends.
    await command(page, { type: 'facecast:close' });
    await expect(panel).toBeHidden();
    await expect(launcher).toHaveAttribute('aria-expanded', 'false');
    await expect
      .poll(() => events(page))
      .toContainEqual(expect.objectContaining({ type: 'facecast:ended', reason: 'closed' }));
    await expect.poll(() => sessionStatus(first)).toBe('ended');

    // facecast:open again: a new conversation in the same frame.
    await command(page, { type: 'facecast:open' });
    await expect(panel).toBeVisible();
    await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    const second = await openedSession([...known, first]);
    sessionsToStop.push({ api: owner.api, id: second });
    await command(page, { type: 'facecast:close' });
    await expect(panel).toBeHidden();
    await expect.poll(() => sessionStatus(second)).toBe('ended');
  } finally {
    await page.context().close();
  }
});
