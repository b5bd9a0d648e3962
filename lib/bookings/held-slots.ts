import type { Prisma } from '@prisma/client';
import { dueWithoutSession } from './booking-scheduler';

/**
 * Pool slots that bookings hold right now without using them yet: scheduled bookings within
 * their start lead or running, whose session has not been made (the scheduler is about to
 * start it, or the pool refused it a moment ago). A booking's running session already counts
 * as used in the pool's reports. Instant sessions may only take what is left.
 */
export function slotsHeldByBookings(
  prisma: Prisma.TransactionClient,
  now = new Date(),
): Promise<number> {
  return prisma.booking.count({ where: dueWithoutSession(now) });
}
