import { ApiError } from '@/lib/api/errors';
import type { Slot } from './booking-capacity';
import { MAX_BOOKING_MS, MAX_LEAD_MS, MIN_BOOKING_MS, START_SKEW_MS } from './booking-rules';

/**
 * Refuses (422) a slot that is reversed, too short or too long, or whose start is in the
 * past or more than a year ahead. `startMayBePast`: the booking has started already and only
 * its end moves.
 */
export function checkSlot(slot: Slot, now: Date, options: { startMayBePast?: boolean } = {}) {
  const durationMs = slot.endsAt.getTime() - slot.startsAt.getTime();
  if (durationMs <= 0) {
    throw new ApiError('unprocessable', 'endsAt must be after startsAt.');
  }
  if (durationMs < MIN_BOOKING_MS) {
    throw new ApiError('unprocessable', 'A booking lasts at least 1 minute.');
  }
  if (durationMs > MAX_BOOKING_MS) {
    throw new ApiError(
      'unprocessable',
      'A booking lasts at most 8 hours; book two slots for more.',
    );
  }
  if (!options.startMayBePast && slot.startsAt.getTime() < now.getTime() - START_SKEW_MS) {
    throw new ApiError(
      'unprocessable',
      `startsAt is in the past (${slot.startsAt.toISOString()}; it is now ${now.toISOString()}).`,
    );
  }
  if (slot.endsAt.getTime() <= now.getTime()) {
    throw new ApiError('unprocessable', 'endsAt is in the past.');
  }
  if (slot.startsAt.getTime() > now.getTime() + MAX_LEAD_MS) {
    throw new ApiError('unprocessable', 'A booking starts at most a year ahead.');
  }
}
