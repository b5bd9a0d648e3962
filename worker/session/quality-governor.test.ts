import { describe, expect, it } from 'vitest';
import { FPS_STEPS, QualityGovernor, RECOVER_AFTER_MS } from './quality-governor';

/** Feeds frames at `fps` for `seconds`, missing every `missEvery`-th deadline (0: none). */
function feed(governor: QualityGovernor, fromMs: number, seconds: number, missEvery: number) {
  const changes: number[] = [];
  let t = fromMs;
  for (let i = 0; i < seconds * governor.fps; i++) {
    t += 1000 / governor.fps;
    const decision = governor.observe(t, missEvery > 0 && i % missEvery === 0);
    if (decision.changed) changes.push(decision.fps);
  }
  return { changes, endMs: t };
}

describe('QualityGovernor', () => {
  it('keeps full rate while fewer than 5 % of deadlines are missed', () => {
    const governor = new QualityGovernor(0);
    const { changes } = feed(governor, 0, 30, 50); // 2 % missed
    expect(changes).toEqual([]);
    expect(governor.fps).toBe(25);
    expect(governor.degraded).toBe(false);
  });

  it('steps down one level per full window of > 5 % misses, never below the floor', () => {
    const governor = new QualityGovernor(0);
    const { changes } = feed(governor, 0, 60, 10); // 10 % missed
    expect(changes).toEqual([20, 15]);
    expect(governor.fps).toBe(FPS_STEPS[FPS_STEPS.length - 1]);
    expect(governor.degraded).toBe(true);
  });

  it('waits a whole window before judging, so one bad second does not degrade', () => {
    const governor = new QualityGovernor(0);
    const first = feed(governor, 0, 1, 3); // a third missed, but only for a second
    const rest = feed(governor, first.endMs, 12, 0);
    expect([...first.changes, ...rest.changes]).toEqual([]);
  });

  it('does not judge the start-up grace, then judges a whole window after it', () => {
    const governor = new QualityGovernor(0, 3_000);
    // Every frame missed during start-up: not counted.
    const startUp = feed(governor, 0, 3, 1);
    const healthy = feed(governor, startUp.endMs, 12, 0);
    expect([...startUp.changes, ...healthy.changes]).toEqual([]);
    // Without the grace the same start-up degrades once the first window is full.
    const strict = new QualityGovernor(0);
    const strictStart = feed(strict, 0, 3, 1);
    expect(feed(strict, strictStart.endMs, 12, 0).changes).toEqual([20]);
  });

  it('steps back up after 30 s healthy at the lower rate', () => {
    const governor = new QualityGovernor(0);
    const bad = feed(governor, 0, 11, 10);
    expect(governor.fps).toBe(20);
    const good = feed(governor, bad.endMs, RECOVER_AFTER_MS / 1000 + 11, 0);
    expect(good.changes).toEqual([25]);
    expect(governor.degraded).toBe(false);
  });
});
