import type { PrismaClient } from '@prisma/client';
import { BOOKED_START_LEAD_MS } from './booking-scheduler';

/**
 * Pool slots that bookings hold right now without using them yet: scheduled bookings within
 * their start lead or running, whose session has not been made (the scheduler is about to
 * start it, or the pool refused it a moment ago). A booking's running session already counts
 * as used in the pool's reports. Instant sessions may only take what is left.
 */
export function slotsHeldByBookings(prisma: PrismaClient, now = new Date()): Promise<number> {
  return prisma.booking.count({
    where: {
      status: 'scheduled',
      startsAt: { lte: new Date(now.getTime() + BOOKED_START_LEAD_MS) },
      endsAt: { gt: now },
      session: { is: null },
    },
  });
}
