/**
 * The widget's time to first frame as a visitor sees it: from the click on the launcher (on
 * the host page) to the first video frame the widget's frame presents (its
 * requestVideoFrameCallback). The two times are taken in different documents, so both are
 * wall-clock ms (`performance.timeOrigin` + the document's own clock).
 */
import type { BrowserContext, Frame, Page } from '@playwright/test';
import { expect } from '../fixtures';

interface Clock {
  facecastClickAt?: number;
  facecastFirstFrameAt?: number;
}

/** Installs the clock in every document of `context`; call before the page loads. */
export function installFirstFrameClock(context: BrowserContext): Promise<void> {
  return context.addInitScript(() => {
    const clock = window as unknown as Clock;
    document.addEventListener(
      'click',
      (event) => {
        const target = event.target as Element | null;
        if (target?.closest?.('[data-facecast-launcher]') && clock.facecastClickAt === undefined) {
          clock.facecastClickAt = performance.timeOrigin + event.timeStamp;
        }
      },
      true,
    );
    if (!location.pathname.startsWith('/embed/')) return;
    // The widget's page: wait for its video element, then for its first presented frame.
    const watch = () => {
      const video = document.querySelector<HTMLVideoElement>('video[data-testid=avatar-video]');
      if (!video) return void setTimeout(watch, 10);
      video.requestVideoFrameCallback((now) => {
        clock.facecastFirstFrameAt = performance.timeOrigin + now;
      });
    };
    watch();
  });
}

/**
 * Click → first frame of the widget whose frame is `frame`, ms (waits for the frame), and
 * the part of it after the widget asked for its session (`POST /api/embed/:key/session`, from
 * the frame's resource timing): the session start, LiveKit and the worker, without the page.
 */
export async function readFirstFrameDelay(
  page: Page,
  frame: Frame,
  timeoutMs = 60_000,
): Promise<{ clickMs: number; sessionMs: number }> {
  const clickAt = await page.evaluate(() => (window as unknown as Clock).facecastClickAt);
  expect(clickAt, 'the launcher click was not seen').toEqual(expect.any(Number));
  let firstFrameAt: number | undefined;
  await expect
    .poll(
      async () =>
        (firstFrameAt = await frame.evaluate(
          () => (window as unknown as Clock).facecastFirstFrameAt,
        )),
      { timeout: timeoutMs, message: 'the widget presented no video frame' },
    )
    .toEqual(expect.any(Number));
  const sessionAt = await frame.evaluate(() => {
    const start = performance
      .getEntriesByType('resource')
      .find((entry) => /^\/api\/embed\/[^/]+\/session$/.test(new URL(entry.name).pathname));
    return start ? performance.timeOrigin + start.startTime : undefined;
  });
  expect(sessionAt, 'the widget never asked for its session').toEqual(expect.any(Number));
  return { clickMs: firstFrameAt! - clickAt!, sessionMs: firstFrameAt! - sessionAt! };
}
