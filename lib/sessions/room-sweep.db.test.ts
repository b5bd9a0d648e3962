/**
 * The room sweep's decisions on the real database (PGlite and PostgreSQL): viewers metered,
 * instant sessions left alone ended, booked ones never, one instance at a time. Who is in
 * each room is given here (the real listing through LiveKit's server API, and a real idle end,
 * are covered by e2e/api/quotas.spec.ts); `stop` is recorded and marks the row as stopSession
 * does.
 */
import type { Session } from '@prisma/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertBooking, seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { insertSession } from '@/lib/testing/session-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { runRoomSweep, type RoomSweepActions } from './room-sweep';

const MINUTE = 60_000;
let db: TestDatabase;
let owner: { userId: string; avatarId: string };

beforeAll(async () => {
  setTestEnv('sweep', { FACECAST_IDLE_MINUTES: '10', LOG_LEVEL: 'error' });
  db = await createTestDatabase();
  owner = await seedOwnerWithAvatar(db.prisma, 'sweep@example.com');
}, 60_000);
afterAll(() => db.destroy());
beforeEach(async () => {
  await db.prisma.session.deleteMany();
  await db.prisma.booking.deleteMany();
  await db.prisma.lease.deleteMany();
});

const t0 = new Date('2030-06-01T12:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);

/** Rooms holding the given identities; stop() ends the row like stopSession. */
function rooms(people: Record<string, string[]>) {
  const stopped: string[] = [];
  const actions: RoomSweepActions = {
    listViewers: (roomName) => Promise.resolve(people[roomName] ?? []),
    stop: async (session: Session) => {
      stopped.push(session.id);
      await db.prisma.session.update({
        where: { id: session.id },
        data: { status: 'ended', endedAt: new Date() },
      });
    },
  };
  return { actions, stopped, people };
}

const row = (id: string) => db.prisma.session.findUniqueOrThrow({ where: { id } });

describe('room sweep', () => {
  it('meters viewers: most at once, last seen, and people who joined', async () => {
    const session = await insertSession(db.prisma, owner, { liveAt: t0 });
    for (const identity of ['viewer-a', 'guest-b', 'guest-c']) {
      await db.prisma.roomParticipant.create({
        data: { sessionId: session.id, identity, name: identity, linkVersion: 1 },
      });
    }
    const room = rooms({ [session.roomName]: ['viewer-a', 'guest-b'] });
    const holder = 'app-1';
    await runRoomSweep(db.prisma, { holder, actions: room.actions, now: at(1) });
    expect(await row(session.id)).toMatchObject({
      peakViewers: 2,
      viewersJoined: 3,
      lastViewerAt: at(1),
    });
    // Fewer now: the peak stays, the last time someone was seen moves.
    room.people[session.roomName] = ['guest-c'];
    await runRoomSweep(db.prisma, { holder, actions: room.actions, now: at(2) });
    expect(await row(session.id)).toMatchObject({ peakViewers: 2, lastViewerAt: at(2) });
    // Empty: lastViewerAt stays where it was, and nothing ends before the idle time.
    room.people[session.roomName] = [];
    const quiet = await runRoomSweep(db.prisma, { holder, actions: room.actions, now: at(11) });
    expect(quiet).toMatchObject({ leader: true, swept: 1, ended: [] });
    expect(await row(session.id)).toMatchObject({ status: 'live', lastViewerAt: at(2) });
  });

  it('ends an instant session 10 idle minutes after its last viewer, or after going live', async () => {
    const left = await insertSession(db.prisma, owner, { liveAt: t0, lastViewerAt: at(5) });
    const nobody = await insertSession(db.prisma, owner, { liveAt: at(3) });
    const busy = await insertSession(db.prisma, owner, { liveAt: t0 });
    const booking = await insertBooking(db.prisma, owner, t0, at(120));
    const booked = await insertSession(db.prisma, owner, { liveAt: t0, bookingId: booking.id });
    const starting = await insertSession(db.prisma, owner, { status: 'starting' });
    const room = rooms({ [busy.roomName]: ['guest-x'] });

    let sweep = await runRoomSweep(db.prisma, {
      holder: 'a',
      actions: room.actions,
      now: at(12.9),
    });
    expect(sweep.ended).toEqual([]);
    sweep = await runRoomSweep(db.prisma, { holder: 'a', actions: room.actions, now: at(13) });
    expect(sweep.ended.sort()).toEqual([nobody.id]);
    sweep = await runRoomSweep(db.prisma, { holder: 'a', actions: room.actions, now: at(15) });
    expect(sweep.ended).toEqual([left.id]);
    sweep = await runRoomSweep(db.prisma, { holder: 'a', actions: room.actions, now: at(90) });
    expect(sweep.ended).toEqual([]);
    expect(room.stopped.sort()).toEqual([left.id, nobody.id].sort());
    expect((await row(busy.id)).status).toBe('live');
    expect((await row(booked.id)).status).toBe('live');
    expect((await row(starting.id)).status).toBe('starting');
    // A shorter idle time (FACECAST_IDLE_MINUTES=0.1) ends the busy room's session only
    // once it is empty for 6 s.
    room.people[busy.roomName] = [];
    sweep = await runRoomSweep(db.prisma, {
      holder: 'a',
      actions: room.actions,
      now: at(90.05),
      idleMs: 6_000,
    });
    expect(sweep.ended).toEqual([]);
    sweep = await runRoomSweep(db.prisma, {
      holder: 'a',
      actions: room.actions,
      now: at(90.1),
      idleMs: 6_000,
    });
    expect(sweep.ended).toEqual([busy.id]);
  });

  it("ends a session at its endsBy (a widget's longest length) even with someone in the room", async () => {
    const widget = await insertSession(db.prisma, owner, {
      liveAt: t0,
      source: 'widget',
      endsBy: at(10),
    });
    const room = rooms({ [widget.roomName]: ['guest-w'] });
    let sweep = await runRoomSweep(db.prisma, { holder: 'a', actions: room.actions, now: at(9) });
    expect(sweep.ended).toEqual([]);
    sweep = await runRoomSweep(db.prisma, { holder: 'a', actions: room.actions, now: at(10) });
    expect(sweep.ended).toEqual([widget.id]);
    expect((await row(widget.id)).status).toBe('ended');
  });

  it('runs in one app instance at a time, and a failing room does not stop the others', async () => {
    const first = await insertSession(db.prisma, owner, { liveAt: t0 });
    const second = await insertSession(db.prisma, owner, { liveAt: t0 });
    const room = rooms({ [second.roomName]: ['guest-y'] });
    const actions: RoomSweepActions = {
      ...room.actions,
      listViewers: (roomName) =>
        roomName === first.roomName
          ? Promise.reject(new Error('LiveKit down'))
          : room.actions.listViewers(roomName),
    };
    const leader = await runRoomSweep(db.prisma, { holder: 'a', actions, now: at(1) });
    expect(leader).toMatchObject({ leader: true, swept: 1, failed: [first.id] });
    expect((await row(second.id)).peakViewers).toBe(1);
    const other = await runRoomSweep(db.prisma, { holder: 'b', actions, now: at(1.5) });
    expect(other).toMatchObject({ leader: false, swept: 0 });
    // The lease expires a minute after the leader's last sweep: then another takes over.
    const takeover = await runRoomSweep(db.prisma, { holder: 'b', actions, now: at(2.1) });
    expect(takeover.leader).toBe(true);
  });
});
