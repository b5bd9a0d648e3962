/**
 * The booking scheduler's decisions on the real database (PGlite and PostgreSQL): which
 * bookings start, get their goodbye, and stop, under a lease only one instance holds. What a
 * decision does to a live session (LiveKit dispatch, speech) is recorded here instead of done;
 * the `start` recorder makes the session row the way startSession does.
 */
import type { Booking, Session } from '@prisma/client';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLease } from '@/lib/db/lease';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { insertBooking, seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import {
  BOOKED_END_WARNING_MS,
  BOOKED_START_LEAD_MS,
  runSchedulerTick,
  type SchedulerActions,
} from './booking-scheduler';

const MINUTE = 60_000;
let db: TestDatabase;
let userId: string;
let avatarId: string;

beforeAll(async () => {
  setTestEnv('scheduler');
  db = await createTestDatabase();
  ({ userId, avatarId } = await seedOwnerWithAvatar(db.prisma, 'host@example.com'));
}, 60_000);
afterAll(() => db.destroy());
beforeEach(async () => {
  await db.prisma.session.deleteMany();
  await db.prisma.booking.deleteMany();
  await db.prisma.lease.deleteMany();
});

const now = new Date('2030-06-01T12:00:00Z');
const offset = (ms: number) => new Date(now.getTime() + ms);

function book(startMs: number, endMs: number, extra: Partial<Booking> = {}) {
  return insertBooking(db.prisma, { userId, avatarId }, offset(startMs), offset(endMs), {
    kind: 'broadcast',
    ...extra,
  });
}

/** Records what the scheduler asks for; `start` makes the session row as startSession does. */
function recorder(options: { failStart?: boolean } = {}) {
  const calls: string[] = [];
  const actions: SchedulerActions = {
    start: async (booking) => {
      calls.push(`start ${booking.title}`);
      if (options.failStart) throw new Error('pool full');
      await db.prisma.session.create({
        data: {
          userId: booking.userId,
          avatarId: booking.avatarId,
          roomName: `fc-${randomBytes(6).toString('hex')}`,
          viewerKey: randomBytes(12).toString('base64url'),
          bookingId: booking.id,
          status: 'live',
        },
      });
    },
    warn: (_session: Session, booking) => {
      calls.push(`warn ${booking.title}: ${booking.goodbye}`);
      return Promise.resolve();
    },
    stop: async (session, reason) => {
      calls.push(`stop ${session.bookingId === null ? '?' : 'booked'} ${reason}`);
      await db.prisma.session.update({ where: { id: session.id }, data: { status: 'ended' } });
    },
  };
  return { calls, actions };
}

describe('booking scheduler', () => {
  it('starts a booking within its lead, once; not later ones, cancelled or past ones', async () => {
    await book(BOOKED_START_LEAD_MS - 5_000, 30 * MINUTE, { title: 'due' });
    await book(5 * MINUTE, 30 * MINUTE, { title: 'later' });
    await book(0, 30 * MINUTE, { title: 'cancelled', status: 'cancelled' });
    await book(-60 * MINUTE, -MINUTE, { title: 'over' });
    const { calls, actions } = recorder();
    const first = await runSchedulerTick(db.prisma, { holder: 'a', actions, now });
    expect(first.leader).toBe(true);
    expect(calls).toEqual(['start due']);
    await runSchedulerTick(db.prisma, { holder: 'a', actions, now: offset(1_000) });
    expect(calls).toEqual(['start due']);
    // Five minutes on, the later one is within its lead.
    await runSchedulerTick(db.prisma, {
      holder: 'a',
      actions,
      now: offset(5 * MINUTE - BOOKED_START_LEAD_MS),
    });
    expect(calls).toEqual(['start due', 'start later']);
  });

  it("does not start a disabled account's booking", async () => {
    await book(BOOKED_START_LEAD_MS - 5_000, 30 * MINUTE, { title: 'disabled owner' });
    await db.prisma.user.update({ where: { id: userId }, data: { disabledAt: now } });
    try {
      const { calls, actions } = recorder();
      await runSchedulerTick(db.prisma, { holder: 'a', actions, now });
      expect(calls).toEqual([]);
    } finally {
      await db.prisma.user.update({ where: { id: userId }, data: { disabledAt: null } });
    }
  });

  it('says the goodbye once a minute before the end, then stops at the end', async () => {
    await book(-10 * MINUTE, 10 * MINUTE, { title: 'talk', goodbye: 'Thanks, bye!' });
    const { calls, actions } = recorder();
    await runSchedulerTick(db.prisma, { holder: 'a', actions, now });
    const nearEnd = offset(10 * MINUTE - BOOKED_END_WARNING_MS + 1_000);
    await runSchedulerTick(db.prisma, { holder: 'a', actions, now: nearEnd });
    await runSchedulerTick(db.prisma, { holder: 'a', actions, now: offset(10 * MINUTE - 5_000) });
    expect(calls).toEqual(['start talk', 'warn talk: Thanks, bye!']);
    await runSchedulerTick(db.prisma, { holder: 'a', actions, now: offset(10 * MINUTE) });
    expect(calls.at(-1)).toBe('stop booked ended');
    await runSchedulerTick(db.prisma, { holder: 'a', actions, now: offset(11 * MINUTE) });
    expect(calls).toHaveLength(3);
  });

  it('stops the session of a booking cancelled while it runs', async () => {
    const booking = await book(-MINUTE, 30 * MINUTE, { title: 'x' });
    const { calls, actions } = recorder();
    await runSchedulerTick(db.prisma, { holder: 'a', actions, now });
    await db.prisma.booking.update({ where: { id: booking.id }, data: { status: 'cancelled' } });
    await runSchedulerTick(db.prisma, { holder: 'a', actions, now: offset(1_000) });
    expect(calls).toEqual(['start x', 'stop booked cancelled']);
  });

  it('retries a start that failed on the next tick', async () => {
    await book(0, 30 * MINUTE, { title: 'retry' });
    const failing = recorder({ failStart: true });
    const tick = await runSchedulerTick(db.prisma, { holder: 'a', actions: failing.actions, now });
    expect(tick.failed).toHaveLength(1);
    const working = recorder();
    await runSchedulerTick(db.prisma, {
      holder: 'a',
      actions: working.actions,
      now: offset(5_000),
    });
    expect(working.calls).toEqual(['start retry']);
  });

  it('only the lease holder acts; another instance takes over once the lease expires', async () => {
    await book(0, 30 * MINUTE, { title: 'one' });
    const a = recorder();
    const b = recorder();
    expect(
      (await runSchedulerTick(db.prisma, { holder: 'a', actions: a.actions, now })).leader,
    ).toBe(true);
    const second = await runSchedulerTick(db.prisma, { holder: 'b', actions: b.actions, now });
    expect(second.leader).toBe(false);
    expect(b.calls).toEqual([]);
    // a stops renewing: after the lease's life b leads, and does not start the booking again.
    const later = offset(60_000);
    expect(
      (await runSchedulerTick(db.prisma, { holder: 'b', actions: b.actions, now: later })).leader,
    ).toBe(true);
    expect(b.calls).toEqual([]);
    expect(
      await acquireLease(db.prisma, {
        name: 'booking-scheduler',
        holder: 'a',
        ttlMs: 20_000,
        now: later,
      }),
    ).toBe(false);
  });

  it('two instances racing for the lease: exactly one wins', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        acquireLease(db.prisma, { name: 'race', holder: `h${i}`, ttlMs: 20_000, now }),
      ),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
  });
});
