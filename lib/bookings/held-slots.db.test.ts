/**
 * Instant sessions take only the pool capacity no booking due now holds (real database;
 * the pool is a worker host row as its reports write it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { insertBooking, seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { assertPoolHasRoom } from '@/lib/workers/pool-capacity';
import { BOOKED_START_LEAD_MS } from './booking-scheduler';
import { slotsHeldByBookings } from './held-slots';

const MINUTE = 60_000;
let db: TestDatabase;
let userId: string;
let avatarId: string;

beforeAll(async () => {
  setTestEnv('held-slots');
  db = await createTestDatabase();
  ({ userId, avatarId } = await seedOwnerWithAvatar(db.prisma, 'held@example.com'));
}, 60_000);
afterAll(() => db.destroy());

const book = (
  now: Date,
  startMs: number,
  endMs: number,
  status: 'scheduled' | 'cancelled' = 'scheduled',
) =>
  insertBooking(
    db.prisma,
    { userId, avatarId },
    new Date(now.getTime() + startMs),
    new Date(now.getTime() + endMs),
    { status, maxViewers: 5 },
  );

describe('slots held by bookings', () => {
  it('instant sessions get a 503 when the free slots are held for booked sessions due now', async () => {
    const now = new Date();
    await db.prisma.workerHost.create({
      data: {
        id: 'host-1',
        state: 'available',
        capacity: 3,
        active: 1,
        prewarmed: 1,
        load: 0.3,
        cpuPercent: 30,
        cores: 2,
        rssMb: 200,
        pssMb: 150,
        restarts: 0,
        lastReport: {},
        lastSeenAt: now,
      },
    });
    // Two free slots. Bookings: one running without its session yet, one within the start
    // lead, one later, one cancelled, one with its session already made.
    await book(now, -MINUTE, 30 * MINUTE);
    await book(now, BOOKED_START_LEAD_MS - 1_000, 30 * MINUTE);
    await book(now, 10 * MINUTE, 30 * MINUTE);
    await book(now, -MINUTE, 30 * MINUTE, 'cancelled');
    const started = await book(now, -MINUTE, 30 * MINUTE);
    await db.prisma.session.create({
      data: {
        userId,
        avatarId,
        roomName: 'fc-held',
        viewerKey: 'held-key',
        bookingId: started.id,
        status: 'live',
      },
    });
    const held = await slotsHeldByBookings(db.prisma, now);
    expect(held).toBe(2);
    // A booked session may start; an instant one is told why it may not.
    await expect(assertPoolHasRoom(db.prisma, now, 0)).resolves.toBeUndefined();
    const refusal: unknown = await assertPoolHasRoom(db.prisma, now, held).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'unavailable', headers: { 'retry-after': '10' } });
    expect((refusal as Error).message).toMatch(/held for booked sessions/);
    // With one booking fewer due, one slot is left for instant sessions.
    await expect(assertPoolHasRoom(db.prisma, now, held - 1)).resolves.toBeUndefined();
  });
});
