/**
 * How long this app process stood still lately. A worker host's report that waits in a socket
 * while the app's event loop is busy (a burst of API calls on a small machine) is the app's
 * silence, not the host's: the host monitor and the capacity check allow a host that much more
 * silence, so an overloaded app does not declare healthy hosts lost and re-dispatch every
 * session they run (the API benchmark did exactly that before, decision 029).
 *
 * A timer every SAMPLE_MS measures how late it fires; lateness beyond TOLERANCE_MS is time
 * the app could not have handled a report. Nothing runs until `startStallMeter()` (the app's
 * instrumentation does it), so tests and scripts see no stalls.
 */

import { HOST_SILENCE_TIMEOUT_MS } from '@/protocol/host-report';
// One map per process, also written by the app's server when a report arrives.
import { hostsHeard } from '@/scripts/lib/host-arrival.mjs';

/** How often the meter samples, ms. */
export const STALL_SAMPLE_MS = 250;
/** Lateness up to this is normal scheduling, not a stall, ms. */
const TOLERANCE_MS = 50;
/** Stalls are remembered this long, ms. */
export const STALL_WINDOW_MS = 60_000;

interface Stall {
  /** When the late timer fired (epoch ms). */
  at: number;
  ms: number;
}

const holder = globalThis as typeof globalThis & {
  facecastStallMeter?: { timer: NodeJS.Timeout; stalls: Stall[] };
};

/** Starts sampling (once per process, however often it is called); the timer is unref'd. */
export function startStallMeter(): void {
  if (holder.facecastStallMeter) return;
  const stalls: Stall[] = [];
  let expected = performance.now() + STALL_SAMPLE_MS;
  const timer = setInterval(() => {
    const late = performance.now() - expected;
    expected = performance.now() + STALL_SAMPLE_MS;
    if (late <= TOLERANCE_MS) return;
    const at = Date.now();
    stalls.push({ at, ms: late });
    while (stalls.length > 0 && stalls[0]!.at < at - STALL_WINDOW_MS) stalls.shift();
  }, STALL_SAMPLE_MS);
  timer.unref();
  holder.facecastStallMeter = { timer, stalls };
}

/** Stops the meter and forgets its stalls (tests). */
export function stopStallMeter(): void {
  if (!holder.facecastStallMeter) return;
  clearInterval(holder.facecastStallMeter.timer);
  delete holder.facecastStallMeter;
}

/**
 * Milliseconds the app stood still (beyond normal timer jitter) since `since`, as far back as
 * STALL_WINDOW_MS; 0 when the meter is not running.
 */
export function stalledMsSince(since: Date): number {
  const stalls = holder.facecastStallMeter?.stalls ?? [];
  let total = 0;
  // A stall is recorded when it ends: one that ended after `since` counts in full.
  for (const stall of stalls) if (stall.at > since.getTime()) total += stall.ms;
  return Math.round(total);
}

/**
 * Oldest `lastSeenAt` a host can have and still count as connected at `now`, before stalls are
 * taken into account: a query bound that `hostConnected` then narrows.
 */
export function hostSilenceBound(now: Date): Date {
  return new Date(now.getTime() - HOST_SILENCE_TIMEOUT_MS - STALL_WINDOW_MS);
}

/**
 * Notes that a report of the host reached this process (the report route calls it before any
 * database work). A report waiting for the database behind a busy app's queries proves the host
 * is alive as much as one already stored: without this, a report that took longer than the
 * host's allowed silence to store made the app declare the host lost.
 */
export function noteHostHeard(hostId: string, at = Date.now()): void {
  hostsHeard().set(hostId, at);
}

/** Hosts whose report reached this process within HOST_SILENCE_TIMEOUT_MS of `now`. */
export function hostsHeardSince(now: Date): string[] {
  const since = now.getTime() - HOST_SILENCE_TIMEOUT_MS;
  return [...hostsHeard()].filter(([, at]) => at >= since).map(([id]) => id);
}

/**
 * Whether a host last heard from at `lastSeenAt` (its latest stored report) counts as connected
 * at `now`: silent for at most HOST_SILENCE_TIMEOUT_MS of the time this app could have heard
 * it, or a report of it (`hostId`) reached this process within that time and is being stored.
 */
export function hostConnected(lastSeenAt: Date, now: Date, hostId?: string): boolean {
  const arrived = hostId === undefined ? undefined : hostsHeard().get(hostId);
  if (arrived !== undefined && now.getTime() - arrived <= HOST_SILENCE_TIMEOUT_MS) return true;
  const silentMs = now.getTime() - lastSeenAt.getTime() - stalledMsSince(lastSeenAt);
  return silentMs <= HOST_SILENCE_TIMEOUT_MS;
}
