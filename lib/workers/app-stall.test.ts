import { afterEach, describe, expect, it } from 'vitest';
import { HOST_SILENCE_TIMEOUT_MS } from '@/protocol/host-report';
import {
  hostConnected,
  noteHostHeard,
  stalledMsSince,
  startStallMeter,
  stopStallMeter,
} from './app-stall';

/** Keeps the event loop busy, as a burst of requests on a small machine does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // nothing: the point is that no timer can fire
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => stopStallMeter());

describe('the app stall meter', () => {
  it('reports nothing until it is started', async () => {
    const before = new Date();
    busy(400);
    await sleep(300);
    expect(stalledMsSince(before)).toBe(0);
  });

  it('measures how long the event loop stood still, and only after the given time', async () => {
    startStallMeter();
    await sleep(300);
    const before = new Date();
    busy(800);
    await sleep(300);
    const stalled = stalledMsSince(before);
    expect(stalled).toBeGreaterThanOrEqual(600);
    expect(stalled).toBeLessThan(1_200);
    expect(stalledMsSince(new Date())).toBe(0);
  });

  it('gives a host the time the app stood still on top of its allowed silence', async () => {
    startStallMeter();
    await sleep(300);
    // Heard 1.5 s before its allowance runs out; then the app stands still for 2.5 s.
    const lastSeenAt = new Date(Date.now() - HOST_SILENCE_TIMEOUT_MS + 1_500);
    busy(2_500);
    await sleep(300);
    expect(hostConnected(lastSeenAt, new Date())).toBe(true);
    stopStallMeter();
    expect(hostConnected(lastSeenAt, new Date())).toBe(false);
  });

  it('counts a host whose report reached the app as heard, before it is stored', () => {
    const storedAt = new Date(Date.now() - HOST_SILENCE_TIMEOUT_MS - 5_000);
    expect(hostConnected(storedAt, new Date(), 'host-waiting')).toBe(false);
    noteHostHeard('host-waiting');
    expect(hostConnected(storedAt, new Date(), 'host-waiting')).toBe(true);
    // Another host's report says nothing of this one; an old arrival is silence again.
    expect(hostConnected(storedAt, new Date(), 'host-other')).toBe(false);
    noteHostHeard('host-waiting', Date.now() - HOST_SILENCE_TIMEOUT_MS - 1);
    expect(hostConnected(storedAt, new Date(), 'host-waiting')).toBe(false);
  });
});
