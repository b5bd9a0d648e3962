import { describe, expect, it } from 'vitest';
import { startFrameClock } from './frame-clock';

describe('startFrameClock', () => {
  it('ticks at the requested rate without drifting', async () => {
    const due: number[] = [];
    const clock = startFrameClock({ fps: 25, onFrame: (_i, dueMs) => due.push(dueMs) });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    clock.stop();
    expect(due.length).toBeGreaterThanOrEqual(23);
    expect(due.length).toBeLessThanOrEqual(27);
    // Due times are exact multiples of 40 ms from the start: jitter never accumulates.
    for (let i = 1; i < due.length; i++) expect(due[i]! - due[i - 1]!).toBeCloseTo(40, 6);
  });

  it('skips ahead instead of bursting after a long stall', async () => {
    const frames: number[] = [];
    let skipped = 0;
    const clock = startFrameClock({
      fps: 25,
      onFrame: (i) => {
        frames.push(i);
        if (i === 2) {
          const until = performance.now() + 300;
          while (performance.now() < until) {
            // simulate a blocked event loop
          }
        }
      },
      onSkip: (n) => (skipped += n),
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    clock.stop();
    expect(skipped).toBeGreaterThanOrEqual(4);
    expect(frames.length).toBeLessThan(14);
  });
});
