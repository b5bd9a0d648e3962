/**
 * Whether a slot fits the pool's bookable capacity, and where the first free one is. Pure
 * functions over the bookings that overlap: the database part (which bookings, under which
 * lock) is in reserve-slot.ts.
 *
 * Slots are half-open, [startsAt, endsAt): a booking that ends at 10:00 and one that starts at
 * 10:00 never run at once.
 */

export interface Slot {
  startsAt: Date;
  endsAt: Date;
}

/**
 * The first instant of `slot` at which the bookings running then plus this one would be more
 * than `capacity`; undefined when the slot fits.
 */
export function firstOverload(
  existing: readonly Slot[],
  slot: Slot,
  capacity: number,
): Date | undefined {
  if (capacity < 1) return new Date(slot.startsAt);
  let running = 0;
  for (const change of changesWithin(existing, slot.startsAt.getTime(), slot.endsAt.getTime())) {
    running += change.delta;
    if (running + 1 > capacity) return new Date(change.atMs);
  }
  return undefined;
}

/** The most slots running at one instant. */
export function mostAtOnce(slots: readonly Slot[]): number {
  let running = 0;
  let most = 0;
  for (const change of changesWithin(slots, -Infinity, Infinity)) {
    running += change.delta;
    most = Math.max(most, running);
  }
  return most;
}

/**
 * +1 where a slot starts (or the window does, for one already running), −1 where it ends,
 * within [startMs, endMs), in time order; ends before starts at the same instant, since slots
 * are half-open.
 */
function changesWithin(slots: readonly Slot[], startMs: number, endMs: number) {
  const changes: { atMs: number; delta: number }[] = [];
  for (const slot of slots) {
    const from = Math.max(startMs, slot.startsAt.getTime());
    const to = Math.min(endMs, slot.endsAt.getTime());
    if (from >= to) continue;
    changes.push({ atMs: from, delta: 1 }, { atMs: to, delta: -1 });
  }
  return changes.sort((a, b) => a.atMs - b.atMs || a.delta - b.delta);
}

/**
 * The earliest start at or after `from` where a slot of `durationMs` fits, looking no further
 * than `horizonMs` past `from`; undefined when none does. Only `from` and the instants where a
 * booking ends can be the earliest fit: any other start could move earlier without meeting
 * one more booking.
 */
export function nextFreeStart(
  existing: readonly Slot[],
  from: Date,
  durationMs: number,
  capacity: number,
  horizonMs: number,
): Date | undefined {
  if (capacity < 1) return undefined;
  const fromMs = from.getTime();
  const candidates = [
    fromMs,
    ...existing.map((b) => b.endsAt.getTime()).filter((t) => t > fromMs && t <= fromMs + horizonMs),
  ].sort((a, b) => a - b);
  for (const atMs of new Set(candidates)) {
    const slot = { startsAt: new Date(atMs), endsAt: new Date(atMs + durationMs) };
    if (firstOverload(existing, slot, capacity) === undefined) return slot.startsAt;
  }
  return undefined;
}
