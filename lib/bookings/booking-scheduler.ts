/**
 * Booked sessions run by themselves: started ~30 s before their slot (so the avatar is live
 * when the first person arrives), warned a minute before the end (the avatar says the
 * booking's goodbye), ended at the end or when the booking is cancelled. One app instance at
 * a time does it, under a lease in the database; a session's `bookingId` is unique, so even
 * two schedulers could never start one booking twice.
 */
import { randomUUID } from 'node:crypto';
import type { Booking, Prisma, PrismaClient, Session } from '@prisma/client';
import { acquireLease } from '@/lib/db/lease';
import { log } from '@/lib/log/logger';

/** A booked session starts this long before its slot (ms). */
export const BOOKED_START_LEAD_MS = 30_000;
/** Viewers are warned, and the goodbye said, this long before the end (ms). */
export const BOOKED_END_WARNING_MS = 60_000;
/** How often the scheduler looks (ms). */
export const SCHEDULER_INTERVAL_MS = 5_000;
/** The lease outlives a few missed ticks before another instance takes over (ms). */
export const SCHEDULER_LEASE_MS = 20_000;
const LEASE_NAME = 'booking-scheduler';

/**
 * Bookings due now without a session yet: scheduled, starting within the lead, not yet over,
 * of an account that is not disabled. The scheduler starts them; until it has, they hold their
 * pool slot (held-slots.ts).
 */
export function dueWithoutSession(now: Date): Prisma.BookingWhereInput {
  return {
    status: 'scheduled',
    startsAt: { lte: new Date(now.getTime() + BOOKED_START_LEAD_MS) },
    endsAt: { gt: now },
    session: { is: null },
    user: { disabledAt: null },
  };
}

/** What a tick does to sessions: the real ones start, warn and stop sessions (lib/sessions). */
export interface SchedulerActions {
  start(booking: Booking): Promise<void>;
  warn(session: Session, booking: Booking): Promise<void>;
  stop(session: Session, reason: 'ended' | 'cancelled'): Promise<void>;
}

export interface TickResult {
  leader: boolean;
  started: string[];
  warned: string[];
  stopped: string[];
  failed: string[];
}

/** One look at the bookings: what is due is done, each failure logged and retried next time. */
export async function runSchedulerTick(
  prisma: PrismaClient,
  options: { holder: string; actions: SchedulerActions; now?: Date },
): Promise<TickResult> {
  const now = options.now ?? new Date();
  const result: TickResult = { leader: false, started: [], warned: [], stopped: [], failed: [] };
  result.leader = await acquireLease(prisma, {
    name: LEASE_NAME,
    holder: options.holder,
    ttlMs: SCHEDULER_LEASE_MS,
    now,
  });
  if (!result.leader) return result;
  const { actions } = options;
  const attempt = async (id: string, done: string[], work: () => Promise<void>) => {
    try {
      await work();
      done.push(id);
    } catch (error) {
      result.failed.push(id);
      log.warn({ err: error, bookingId: id }, 'booking scheduler step failed');
    }
  };

  const due = await prisma.booking.findMany({
    where: dueWithoutSession(now),
    orderBy: { startsAt: 'asc' },
  });
  for (const booking of due)
    await attempt(booking.id, result.started, () => actions.start(booking));

  // Running booked sessions: warn near the end, stop at the end or when cancelled.
  const running = await prisma.session.findMany({
    where: { bookingId: { not: null }, status: { in: ['starting', 'live'] } },
    include: { booking: true },
  });
  for (const { booking, ...session } of running) {
    if (!booking) continue;
    if (booking.status === 'cancelled' || booking.endsAt <= now) {
      const reason = booking.status === 'cancelled' ? 'cancelled' : 'ended';
      await attempt(booking.id, result.stopped, () => actions.stop(session, reason));
    } else if (
      !booking.warnedAt &&
      session.status === 'live' &&
      booking.endsAt.getTime() - now.getTime() <= BOOKED_END_WARNING_MS
    ) {
      await attempt(booking.id, result.warned, async () => {
        await actions.warn(session, booking);
        await prisma.booking.update({ where: { id: booking.id }, data: { warnedAt: now } });
      });
    }
  }
  return result;
}

/** Starts the scheduler in this app process (instrumentation.ts); returns a stop function. */
export function startBookingScheduler(prisma: PrismaClient, actions: SchedulerActions): () => void {
  const holder = `${process.pid}-${randomUUID()}`;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runSchedulerTick(prisma, { holder, actions })
      .then((tick) => {
        if (tick.started.length + tick.stopped.length + tick.warned.length > 0) {
          log.info(
            { started: tick.started, warned: tick.warned, stopped: tick.stopped },
            'booked sessions updated',
          );
        }
      })
      .catch((error: unknown) => log.warn({ err: error }, 'booking scheduler tick failed'))
      .finally(() => {
        running = false;
      });
  }, SCHEDULER_INTERVAL_MS);
  timer.unref();
  log.info({ holder }, 'booking scheduler started');
  return () => clearInterval(timer);
}
