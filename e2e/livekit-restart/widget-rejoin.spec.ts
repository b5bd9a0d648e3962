/**
 * The embeddable widget after a LiveKit server restart (issue 14 §2, "LiveKit server
 * restarted → sessions rejoin, viewers reconnect by themselves ≤ 15 s"; decision 028): a
 * visitor watches the avatar in the widget on a shop page, the LiveKit server is stopped and
 * started again on the same ports (SIGTERM; then SIGKILL with 20 s down), and each time the
 * widget says "Reconnecting…", tells the page, and plays the avatar's frames again, in the
 * same conversation, within 15 s of the server answering, without a click.
 *
 * Everything is real (LiveKit, the app, a worker host, Chromium) but the platform is the
 * spec's own (e2e/support/restartable-platform.ts): restarting the shared stack's LiveKit
 * would break every other spec's sessions. Its project runs after all the others
 * (playwright.config.ts), so the measurement does not share the two cores with them.
 */
import type { Frame, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { WEBRTC_PERMISSIONS } from '../support/chromium';
import {
  type RestartablePlatform,
  startRestartablePlatform,
} from '../support/restartable-platform';
import {
  type HostSite,
  embed,
  events,
  messages,
  shopPage,
  snippet,
  startHostSite,
  widgetSessions,
} from '../support/widget-host';

// One retry: in 11 runs during development one SIGKILL round got no frame within 25 s, before
// the spec printed the widget's console and the platform's log on a miss (it does now); the
// cause is not known yet. A retry keeps that case visible in the report without failing CI
// on it once; a widget that does not rejoin fails both attempts.
test.describe.configure({ retries: 1 });

/** The bound: frames in the widget again this soon after the server answers (ms). */
const RECOVERY_BOUND_MS = 15_000;

let platform: RestartablePlatform;
let shop: HostSite;

test.beforeAll(async () => {
  test.setTimeout(150_000);
  const startedAtMs = Date.now();
  platform = await startRestartablePlatform('e2e-widget-rejoin');
  console.log(
    `widget-rejoin: own platform up in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s`,
  );
  shop = await startHostSite('127.0.0.4');
});
test.afterAll(async () => {
  await shop?.close();
  await platform?.stop();
});

/** Wall-clock times (ms) of every frame the widget's video presented so far. */
const frameTimes = (frame: Frame) =>
  frame.evaluate(() => (window as unknown as { facecastFrameTimes: number[] }).facecastFrameTimes);

/** The widget's frame on the shop page, once the loader made it. */
async function widgetFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => f.url().includes('/embed/'))).toBe(true);
  return page.frames().find((f) => f.url().includes('/embed/'))!;
}

test('after a LiveKit restart the widget says Reconnecting… and plays the avatar again by itself', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const settings = await embed(platform.api, platform.demoAvatarId, {
    allowedOrigins: [shop.origin],
    launcherLabel: 'Ask our guide',
  });
  shop.setPage(shopPage(snippet(settings.embedKey, '', platform.appUrl), platform.appUrl));

  const context = await browser.newContext({ permissions: WEBRTC_PERMISSIONS });
  // In the widget's frame: every frame its video presents, in wall-clock ms
  // (requestVideoFrameCallback), its phases, and its console lines with the frame's clock.
  await context.addInitScript(() => {
    if (!location.pathname.startsWith('/embed/')) return;
    const times: number[] = [];
    const phases: Array<{ phase: string | null; atMs: number }> = [];
    Object.assign(window, { facecastFrameTimes: times, facecastPhases: phases });
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[level].bind(console);
      console[level] = (...args: unknown[]) =>
        original(new Date().toISOString().slice(11, 23), ...args);
    }
    const watch = () => {
      const video = document.querySelector<HTMLVideoElement>('video[data-testid=avatar-video]');
      const widget = document.querySelector('[data-testid=widget]');
      if (!video || !widget) return void setTimeout(watch, 10);
      new MutationObserver(() =>
        phases.push({ phase: widget.getAttribute('data-phase'), atMs: Date.now() }),
      ).observe(widget, { attributeFilter: ['data-phase'] });
      const onFrame = (now: number) => {
        times.push(performance.timeOrigin + now);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    };
    watch();
  });
  const page = await context.newPage();
  // What the widget's livekit-client said (with the frame's clock), for a failure's message.
  const consoleLines: string[] = [];
  page.on('console', (line) =>
    consoleLines.push(`${new Date().toISOString()} ${line.type()} ${line.text()}`.slice(0, 300)),
  );
  try {
    await page.goto(shop.origin);
    await page.locator('[data-facecast-launcher]').click();
    const frame = await widgetFrame(page);
    const widget = page.frameLocator('iframe[data-facecast-frame]');
    await expect(widget.getByTestId('widget')).toHaveAttribute('data-phase', 'live', {
      timeout: 60_000,
    });
    await expect.poll(async () => (await frameTimes(frame)).length).toBeGreaterThan(25);
    const [session] = await widgetSessions(platform.api);
    expect(session?.status).toBe('live');

    const state = widget.getByTestId('connection-state');

    /**
     * Stops the server with `signal`, keeps it down at least `downMs`, starts it again, and
     * checks the widget's way back; resolves with the time from the server answering to the
     * widget's first frame (ms).
     */
    const restart = async (signal: 'SIGTERM' | 'SIGKILL', downMs: number) => {
      const toldBefore = (await messages(page)).length;
      const downAtMs = Date.now();
      await platform.livekit.kill(signal);
      // Said where a screen reader hears it (the connection line is a polite live region)
      // and over the video.
      await expect(state).toHaveText('Reconnecting…', { timeout: 20_000 });
      await expect(state).toHaveAttribute('role', 'status');
      await expect(widget.getByTestId('widget-reconnecting')).toBeVisible();
      await new Promise((resolve) => setTimeout(resolve, downMs - (Date.now() - downAtMs)));
      const answeredAtMs = performance.timeOrigin + (await platform.livekit.start());

      await expect
        .poll(async () => (await frameTimes(frame)).at(-1) ?? 0, {
          timeout: RECOVERY_BOUND_MS + 10_000,
        })
        .toBeGreaterThan(answeredAtMs)
        .catch((error: Error) => {
          throw new Error(
            `no frames in the widget after the restart: ${error.message}\n` +
              `--- the widget's console ---\n${consoleLines.slice(-40).join('\n')}\n` +
              `--- the platform's log ---\n${platform.logTail(60)}`,
          );
        });
      const recoveryMs = (await frameTimes(frame)).find((t) => t > answeredAtMs)! - answeredAtMs;
      // The widget's way back, ms from the server answering (for the log).
      const phases = await frame.evaluate(
        () =>
          (window as unknown as { facecastPhases: Array<{ phase: string; atMs: number }> })
            .facecastPhases,
      );
      const timeline = phases
        .filter((p) => p.atMs > downAtMs)
        .map((p) => `${p.phase} ${Math.round(p.atMs - answeredAtMs)}`)
        .join(', ');
      console.log(
        `widget, livekit-server ${signal}, down ≥ ${downMs} ms: first frame ` +
          `${Math.round(recoveryMs)} ms after the restarted server answered (${timeline})`,
      );
      expect(recoveryMs, consoleLines.slice(-30).join('\n')).toBeLessThan(RECOVERY_BOUND_MS);

      // Playing, not one stray frame; live again, and the page was told both ways.
      const framesBefore = (await frameTimes(frame)).length;
      await expect
        .poll(async () => (await frameTimes(frame)).length - framesBefore)
        .toBeGreaterThan(10);
      await expect(widget.getByTestId('widget')).toHaveAttribute('data-phase', 'live');
      await expect(state).toHaveText('Live');
      await expect(widget.getByTestId('widget-reconnecting')).toHaveCount(0);
      const told = (await messages(page)).slice(toldBefore).map((m) => m.type);
      expect(told.filter((type) => type.startsWith('facecast:reconnect'))).toEqual([
        'facecast:reconnecting',
        'facecast:reconnected',
      ]);
      expect(told).not.toContain('facecast:ended');
      return recoveryMs;
    };

    // A restart as a service manager does it: SIGTERM (the server closes its rooms with
    // SERVER_SHUTDOWN; the widget joins again with a fresh token), forced after 1 s.
    await restart('SIGTERM', 500);
    // A crash, and the server stays down past livekit-client's own reconnect attempts (~28 s
    // of them at most, rejoin-policy.ts): whichever way the widget gets back, it does.
    await restart('SIGKILL', 20_000);
    expect((await events(page)).map((e) => e.type)).toContain('facecast:reconnected');

    // The same conversation: the visitor's session lives on, no second one was started.
    const after = await widgetSessions(platform.api);
    expect(after).toEqual([expect.objectContaining({ id: session!.id, status: 'live' })]);
  } finally {
    await context.close();
  }
});
