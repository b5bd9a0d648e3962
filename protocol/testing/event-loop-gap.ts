/**
 * Runs `work` while a 5 ms timer ticks and returns its result, how long it took and the longest the
 * event loop went without running the timer meanwhile: work that blocks the loop shows as a gap
 * about as long as itself, work done elsewhere (a thread, another process) as a few ms.
 */
export async function longestEventLoopGap<T>(
  work: () => Promise<T>,
): Promise<{ result: T; tookMs: number; gapMs: number }> {
  let last = performance.now();
  let gapMs = 0;
  const tick = () => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
  };
  const timer = setInterval(tick, 5);
  const started = performance.now();
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(timer);
  }
  const tookMs = performance.now() - started;
  // A block at the very end has had no tick after it yet.
  tick();
  return { result, tookMs, gapMs };
}
