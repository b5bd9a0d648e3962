/**
 * Quotas on the real database (PGlite and PostgreSQL): what counts as used, the instant-start
 * check and its race, and the booking checks. Rows are written straight to the database;
 * the session write given to admitSession is the row startSession makes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { createBooking } from '@/lib/bookings/create-booking';
import { updateBooking } from '@/lib/bookings/update-booking';
import { insertBooking, seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { insertSession } from '@/lib/testing/session-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { admitSession, assertInstantQuota } from './admit-session';
import { monthOf } from './calendar-month';
import { userUsage, usedMsIn } from './user-usage';

const MINUTE = 60_000;
let db: TestDatabase;
let owner: { userId: string; avatarId: string };

beforeAll(async () => {
  setTestEnv('quotas', {
    FACECAST_QUOTA_CONCURRENT_SESSIONS: '3',
    FACECAST_QUOTA_MONTHLY_MINUTES: '600',
    FACECAST_BOOKABLE_SLOTS: '50',
  });
  db = await createTestDatabase();
  owner = await seedOwnerWithAvatar(db.prisma, 'quota@example.com');
}, 60_000);
afterAll(() => db.destroy());
beforeEach(async () => {
  await db.prisma.session.deleteMany();
  await db.prisma.booking.deleteMany();
  await db.prisma.user.update({
    where: { id: owner.userId },
    data: { maxConcurrentSessions: null, monthlySessionMinutes: null },
  });
});

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const at = (iso: string) => new Date(iso);

describe('minutes used', () => {
  it('counts live time only, split at month boundaries (UTC), running sessions to now', async () => {
    const now = at('2030-12-01T01:00:00Z');
    // 23:30 → 00:30 across the end of November: 30 minutes in each month.
    await insertSession(db.prisma, owner, {
      status: 'ended',
      liveAt: at('2030-11-30T23:30:00Z'),
      endedAt: at('2030-12-01T00:30:00Z'),
    });
    // Running since 00:45: 15 minutes so far.
    await insertSession(db.prisma, owner, { liveAt: at('2030-12-01T00:45:00Z') });
    // Never went live (failed while starting): nothing.
    await insertSession(db.prisma, owner, { status: 'failed', endedAt: now });
    // All of October: nothing in November or December.
    await insertSession(db.prisma, owner, {
      status: 'ended',
      liveAt: at('2030-10-01T00:00:00Z'),
      endedAt: at('2030-10-31T00:00:00Z'),
    });
    const november = monthOf(at('2030-11-15T00:00:00Z'));
    expect(await usedMsIn(db.prisma, owner.userId, november, now)).toBe(30 * MINUTE);
    const usage = await userUsage(db.prisma, { userId: owner.userId, now });
    expect(usage).toMatchObject({
      limits: { concurrentSessions: 3, monthlyMinutes: 600 },
      used: { concurrentSessions: 1, minutes: 45, bookedMinutes: 0 },
      remainingMinutes: 555,
      month: { start: '2030-12-01T00:00:00.000Z', end: '2031-01-01T00:00:00.000Z' },
      resetsAt: '2031-01-01T00:00:00.000Z',
    });
  });

  it('counts what scheduled bookings still hold this month as booked', async () => {
    const now = at('2030-12-31T22:00:00Z');
    // 21:00-23:00: one hour already past (metered, if live), one ahead.
    await insertBooking(db.prisma, owner, at('2030-12-31T21:00:00Z'), at('2030-12-31T23:00:00Z'));
    // Across midnight: 30 minutes this month, the rest in January.
    await insertBooking(db.prisma, owner, at('2030-12-31T23:30:00Z'), at('2031-01-01T01:00:00Z'));
    await insertBooking(db.prisma, owner, now, at('2030-12-31T23:00:00Z'), {
      status: 'cancelled',
    });
    const usage = await userUsage(db.prisma, { userId: owner.userId, now });
    expect(usage.used.bookedMinutes).toBe(90);
    expect(usage.remainingMinutes).toBe(510);
  });
});

describe('instant starts', () => {
  const start = (now = new Date()) =>
    admitSession(db.prisma, { userId: owner.userId, now, instant: true }, (tx) =>
      insertSession(tx, owner, { status: 'starting' }),
    );

  it('refuses a start over the concurrent sessions quota with what to do', async () => {
    await insertSession(db.prisma, owner);
    await insertSession(db.prisma, owner, { status: 'starting' });
    await insertSession(db.prisma, owner, { status: 'ended', endedAt: new Date() });
    await start();
    const error = await refusal(start());
    expect(error.status).toBe(429);
    expect(error.code).toBe('quota_exceeded');
    expect(error.message).toMatch(/running 3 of your 3 sessions.*End one of your sessions/);
    expect(error.details).toEqual({
      limit: 'concurrent_sessions',
      max: 3,
      used: 3,
      resetsAt: null,
    });
    expect(error.headers).toEqual({});
    // An admin's override wins over the default.
    await db.prisma.user.update({
      where: { id: owner.userId },
      data: { maxConcurrentSessions: 4 },
    });
    await start();
    expect(await db.prisma.session.count({ where: { status: { in: ['starting', 'live'] } } })).toBe(
      4,
    );
  });

  it('two starts at once at the limit: one passes, the other is refused', async () => {
    await db.prisma.user.update({
      where: { id: owner.userId },
      data: { maxConcurrentSessions: 1 },
    });
    for (let round = 0; round < 5; round++) {
      await db.prisma.session.deleteMany();
      const results = await Promise.allSettled([start(), start(), start()]);
      const passed = results.filter((r) => r.status === 'fulfilled');
      const refused = results.flatMap((r) =>
        r.status === 'rejected' ? [r.reason as unknown] : [],
      );
      expect(passed).toHaveLength(1);
      expect(refused).toHaveLength(2);
      for (const reason of refused) expect(reason).toMatchObject({ code: 'quota_exceeded' });
      expect(await db.prisma.session.count()).toBe(1);
    }
  });

  it('refuses a start when the month is used up, booked minutes included, with Retry-After', async () => {
    const now = at('2030-12-20T12:00:00Z');
    await db.prisma.user.update({
      where: { id: owner.userId },
      data: { monthlySessionMinutes: 60 },
    });
    await insertSession(db.prisma, owner, {
      status: 'ended',
      liveAt: at('2030-12-20T10:00:00Z'),
      endedAt: at('2030-12-20T10:50:00Z'),
    });
    await assertInstantQuota(db.prisma, { userId: owner.userId, now });
    await insertBooking(db.prisma, owner, at('2030-12-24T10:00:00Z'), at('2030-12-24T10:10:00Z'));
    const error = await refusal(assertInstantQuota(db.prisma, { userId: owner.userId, now }));
    expect(error.status).toBe(429);
    expect(error.details).toEqual({
      limit: 'monthly_minutes',
      max: 60,
      used: 50,
      booked: 10,
      resetsAt: '2031-01-01T00:00:00.000Z',
    });
    expect(error.message).toMatch(/used 50 of your 60 session minutes this month and 10 more/);
    expect(error.headers['retry-after']).toBe(String(11.5 * 24 * 3600));
    // In January the month starts again from 0 (the booking is in December).
    await assertInstantQuota(db.prisma, { userId: owner.userId, now: at('2031-01-01T00:00:00Z') });
  });
});

describe('bookings', () => {
  const now = new Date();
  // A month well ahead, so every slot is in the future and nothing is metered there.
  const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1));
  const slotAt = (hours: number, minutes: number) => ({
    startsAt: new Date(ahead.getTime() + hours * 60 * MINUTE),
    endsAt: new Date(ahead.getTime() + hours * 60 * MINUTE + minutes * MINUTE),
  });
  const book = (slot: { startsAt: Date; endsAt: Date }) =>
    createBooking(db.prisma, { ...owner, ...slot, kind: 'private' });

  it('refuses a booking whose minutes would pass the month quota with other bookings', async () => {
    await db.prisma.user.update({
      where: { id: owner.userId },
      data: { monthlySessionMinutes: 120 },
    });
    const first = await book(slotAt(10, 90));
    const error = await refusal(book(slotAt(12, 45)));
    expect(error.status).toBe(429);
    expect(error.details).toMatchObject({
      limit: 'monthly_minutes',
      max: 120,
      used: 0,
      booked: 90,
      requested: 45,
    });
    expect(error.message).toMatch(/needs 45 minutes.*only 30 of your 120 are left/);
    expect(error.headers).toEqual({});
    await book(slotAt(12, 30));
    // Shortening is always possible; lengthening counts the booking once, not twice.
    await updateBooking(db.prisma, {
      ...owner,
      bookingId: first.id,
      endsAt: slotAt(10, 60).endsAt,
    });
    await updateBooking(db.prisma, {
      ...owner,
      bookingId: first.id,
      endsAt: slotAt(10, 90).endsAt,
    });
    const longer = await refusal(
      updateBooking(db.prisma, { ...owner, bookingId: first.id, endsAt: slotAt(10, 91).endsAt }),
    );
    expect(longer.details).toMatchObject({ limit: 'monthly_minutes', booked: 30, requested: 91 });
  });

  it('a booking across a month boundary counts in each month', async () => {
    await db.prisma.user.update({
      where: { id: owner.userId },
      data: { monthlySessionMinutes: 60 },
    });
    // The last 50 minutes of the month before `ahead`, then one crossing into it.
    await book(slotAt(-50 / 60, 50));
    await book(slotAt(1, 50));
    // 23:50 → 00:40: 10 minutes in the full month (fits), 40 in the other (50 + 40 > 60).
    const crossing = await refusal(book(slotAt(-10 / 60, 50)));
    expect(crossing.details).toMatchObject({
      limit: 'monthly_minutes',
      booked: 50,
      requested: 40,
      resetsAt: new Date(
        Date.UTC(ahead.getUTCFullYear(), ahead.getUTCMonth() + 1, 1),
      ).toISOString(),
    });
  });

  it('refuses more overlapping bookings than the concurrent sessions quota', async () => {
    await db.prisma.user.update({
      where: { id: owner.userId },
      data: { maxConcurrentSessions: 2 },
    });
    await book(slotAt(10, 60));
    await book(slotAt(10.5, 60));
    await book(slotAt(11, 60)); // overlaps the second only: 2 at once
    const error = await refusal(book(slotAt(10.75, 30)));
    expect(error.details).toMatchObject({
      limit: 'concurrent_sessions',
      max: 2,
      resetsAt: null,
      conflictAt: slotAt(10.75, 30).startsAt.toISOString(),
    });
    expect(error.message).toMatch(/more than 2 sessions at once/);
  });

  // Requests sent together are decided in one batch (lib/bookings/book-in-batches.ts) from one
  // read of the owner's bookings: each must still count the ones admitted before it.
  it('bookings sent at once count each other: concurrent sessions and minutes', async () => {
    await db.prisma.user.update({
      where: { id: owner.userId },
      data: { maxConcurrentSessions: 2, monthlySessionMinutes: 90 },
    });
    const overlapping = await Promise.allSettled(
      [0, 1, 2, 3, 4].map((i) => book(slotAt(10 + i / 60, 20))),
    );
    expect(overlapping.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    for (const r of overlapping.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({
        code: 'quota_exceeded',
        details: { limit: 'concurrent_sessions' },
      });
    }
    // 40 minutes booked; four 20-minute slots apart: two fit the 90, two do not.
    const apart = await Promise.allSettled([0, 1, 2, 3].map((i) => book(slotAt(14 + i, 20))));
    expect(apart.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect((apart[2] as PromiseRejectedResult).reason).toMatchObject({
      code: 'quota_exceeded',
      details: { limit: 'monthly_minutes', booked: 80, requested: 20 },
    });
  });
});
