/**
 * How many REST API calls the app works on at once, adapted to what it can do right now
 * (decision 030). The app is one Node.js thread: past the few calls that keep it busy, each
 * extra call in progress only adds to every call's wait (Little's law: wait = calls in
 * progress × time per call). How many that is depends on the CPU the app gets, which a fixed
 * FACECAST_APP_MAX_INFLIGHT cannot know: a core of its own, or half of one beside renderers.
 *
 * So the limit moves between MIN_LIMIT and the configured maximum, additive increase,
 * multiplicative decrease (as TCP's congestion window does), on the time admitted calls take:
 * every `limit` finished calls (at least WINDOW_CALLS), if the slowest tenth took longer than
 * the target while calls were being refused (the limit was what held them), the limit drops to
 * 80 %; if they took no longer than the target, it rises by one. Slow calls while nothing is refused change
 * nothing: the limit was not what made them slow. Calls admitted before the last change are
 * not counted, so one slow window is not punished twice.
 */

import { parseWholeNumberSetting } from './whole-number-setting.mjs';

/** The limit never goes below this (or the configured maximum, if lower). */
export const MIN_LIMIT = 4;
/** Finished calls per decision. */
export const WINDOW_CALLS = 10;
/** The share of the limit kept when calls are too slow. */
const DECREASE = 0.8;

/**
 * @param {number} max the configured limit (FACECAST_APP_MAX_INFLIGHT), > 0
 * @param {number} targetMs the time the slowest tenth of admitted calls should stay within; 0
 *   keeps the limit at `max`
 */
export function adaptiveLimit(max, targetMs) {
  const floor = Math.min(MIN_LIMIT, max);
  let limit = max;
  /** Counts the limit's changes: a call is judged only with the calls admitted under its limit. */
  let epoch = 0;
  let refusedSinceChange = false;
  /** @type {number[]} */
  let window = [];

  const change = (/** @type {number} */ next) => {
    if (next !== limit) {
      limit = next;
      epoch += 1;
    }
    window = [];
    refusedSinceChange = false;
  };

  return {
    /** Calls the app takes on at once now. */
    get current() {
      return limit;
    },
    /** Stamp for a call admitted now, to give back to `finished`. */
    get epoch() {
      return epoch;
    },
    /** A call was refused: the limit is what holds calls back. */
    refused() {
      refusedSinceChange = true;
    },
    /**
     * @param {number} durationMs the call's time from admission to its answer
     * @param {number} admittedIn `epoch` when the call was admitted
     */
    finished(durationMs, admittedIn) {
      if (targetMs <= 0 || admittedIn !== epoch) return;
      window.push(durationMs);
      // One decision per `limit` calls (at least WINDOW_CALLS): as TCP's window grows by one
      // per round trip, not per packet, so the limit rises gently and overshoots less.
      if (window.length < Math.max(WINDOW_CALLS, limit)) return;
      const sorted = window.sort((a, b) => a - b);
      const slowTenth = sorted[Math.ceil(sorted.length * 0.9) - 1] ?? 0;
      if (slowTenth <= targetMs) change(Math.min(max, limit + 1));
      else if (refusedSinceChange) change(Math.max(floor, Math.floor(limit * DECREASE)));
      else window = [];
    },
  };
}

/** Default of FACECAST_APP_LATENCY_TARGET_MS (decision 030: measured with `npm run bench -- api`). */
export const DEFAULT_LATENCY_TARGET_MS = 100;

/**
 * FACECAST_APP_LATENCY_TARGET_MS as a whole number of ms ≥ 0 (0: a fixed limit); throws with
 * what to write.
 * @param {string | undefined} value
 */
export function parseLatencyTargetMs(value) {
  return parseWholeNumberSetting('FACECAST_APP_LATENCY_TARGET_MS', value, {
    fallback: DEFAULT_LATENCY_TARGET_MS,
    min: 0,
    max: 60_000,
    range:
      'of milliseconds from 0 (a fixed limit) to 60000 (how long the slowest tenth of REST API calls may take before the app takes on fewer at once)',
  });
}
