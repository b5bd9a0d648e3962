/**
 * GET /api/v1/sessions/:id/events as sessionEventStream serves it, read frame by frame as a
 * browser would: the current state first, new events promptly, a replay after Last-Event-ID,
 * and the end of the stream when the session ends or the client goes away.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sseReader } from '@/lib/testing/server-sent-events';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import type { ReportedSessionEvent, SessionEvent } from '@/protocol/session-events';
import { recordSessionEvents } from './record-session-events';
import { sessionEventStream } from './session-event-stream';

let db: TestDatabase;
let userId: string;
let avatarId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'stream@example.com', password: 'password-1' }))
    .id;
  avatarId = (
    await db.prisma.avatar.create({
      data: { userId, name: 'Guide', sourceType: 'image/png', status: 'ready' },
    })
  ).id;
});
afterAll(() => db.destroy());

async function newSession(): Promise<string> {
  const suffix = randomUUID();
  const session = await db.prisma.session.create({
    data: {
      userId,
      avatarId,
      roomName: `fc-${suffix}`,
      viewerKey: `viewer-${suffix}`,
      status: 'live',
    },
  });
  return session.id;
}

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function reported(sessionId: string, event: SessionEvent, at = T0): ReportedSessionEvent {
  return { sessionId, id: randomUUID(), at, event };
}

describe('sessionEventStream', () => {
  it('starts with retry and the current state, then sends new events as they are stored', async () => {
    const sessionId = await newSession();
    // Stored before the stream opens: not sent again.
    await recordSessionEvents(db.prisma, {
      events: [reported(sessionId, { type: 'state', state: 'listening' })],
    });
    const abort = new AbortController();
    const sse = sseReader(
      sessionEventStream({ prisma: db.prisma, sessionId, signal: abort.signal }),
    );
    expect(await sse.next()).toEqual({ retry: 2000 });
    expect(await sse.next()).toEqual({
      event: 'state',
      data: { type: 'state', state: 'listening' },
    });

    for (const [i, event] of (
      [
        {
          type: 'speech.started',
          turnId: 'a1',
          text: 'Welcome to the museum!',
          startedAt: T0 + 100,
        },
        { type: 'state', state: 'speaking' },
      ] satisfies SessionEvent[]
    ).entries()) {
      const sent = reported(sessionId, event, T0 + 100 + i);
      const recordedAt = Date.now();
      await recordSessionEvents(db.prisma, { events: [sent] });
      const frame = await sse.next(2_000);
      // The bus wakes the stream: no waiting for the next poll (1 s).
      expect(Date.now() - recordedAt).toBeLessThan(500);
      const stored = await db.prisma.sessionEvent.findUniqueOrThrow({
        where: { eventKey: sent.id },
      });
      expect(frame).toEqual({
        id: stored.id,
        event: event.type,
        data: { ...event, at: T0 + 100 + i },
      });
    }
    abort.abort();
  });

  it('with afterId replays the events after it and sends no initial state', async () => {
    const sessionId = await newSession();
    const events = [
      reported(sessionId, { type: 'state', state: 'listening' }, T0),
      reported(sessionId, { type: 'state', state: 'thinking' }, T0 + 1),
      reported(
        sessionId,
        {
          type: 'user.transcript',
          turnId: 'u1',
          speaker: 'api',
          text: 'Hi',
          startedAt: T0,
          endedAt: T0,
        },
        T0 + 2,
      ),
    ];
    await recordSessionEvents(db.prisma, { events });
    const ids = (
      await db.prisma.sessionEvent.findMany({
        where: { sessionId },
        orderBy: { id: 'asc' },
        select: { id: true },
      })
    ).map((e) => e.id);
    expect(ids).toHaveLength(3);

    const abort = new AbortController();
    const sse = sseReader(
      sessionEventStream({ prisma: db.prisma, sessionId, afterId: ids[0]!, signal: abort.signal }),
    );
    expect(await sse.next()).toEqual({ retry: 2000 });
    expect(await sse.next()).toEqual({
      id: ids[1],
      event: 'state',
      data: { type: 'state', state: 'thinking', at: T0 + 1 },
    });
    expect(await sse.next()).toEqual({
      id: ids[2],
      event: 'user.transcript',
      data: {
        type: 'user.transcript',
        turnId: 'u1',
        speaker: 'api',
        text: 'Hi',
        startedAt: T0,
        endedAt: T0,
        at: T0 + 2,
      },
    });
    abort.abort();
    // Nothing else was sent: aborting ends the stream.
    expect(await sse.rest(3_000)).toEqual([]);
  });

  it('ends by itself once the session has ended', async () => {
    const sessionId = await newSession();
    const sse = sseReader(
      sessionEventStream({ prisma: db.prisma, sessionId, signal: new AbortController().signal }),
    );
    expect(await sse.next()).toEqual({ retry: 2000 });
    expect(await sse.next()).toMatchObject({ event: 'state' });
    await db.prisma.session.update({
      where: { id: sessionId },
      data: { status: 'ended', endedAt: new Date() },
    });
    // The last events of an ending session still arrive, then the stream closes.
    await recordSessionEvents(db.prisma, {
      events: [reported(sessionId, { type: 'state', state: 'idle' })],
    });
    const started = Date.now();
    const frames = await sse.rest(3_500);
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(frames.map((f) => [f.event, (f.data as { state?: string }).state])).toEqual([
      ['state', 'idle'],
    ]);
  });

  it('ends when the client goes away (the signal aborts)', async () => {
    const sessionId = await newSession();
    const abort = new AbortController();
    const sse = sseReader(
      sessionEventStream({ prisma: db.prisma, sessionId, signal: abort.signal }),
    );
    expect(await sse.next()).toEqual({ retry: 2000 });
    expect(await sse.next()).toMatchObject({ event: 'state' });
    const started = Date.now();
    abort.abort();
    expect(await sse.rest(2_000)).toEqual([]);
    // Promptly, not at the next poll (1 s), even when the abort came during a query.
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('ends properly when the session is deleted while streaming (its avatar deleted)', async () => {
    const sessionId = await newSession();
    const sse = sseReader(
      sessionEventStream({ prisma: db.prisma, sessionId, signal: new AbortController().signal }),
    );
    expect(await sse.next()).toEqual({ retry: 2000 });
    expect(await sse.next()).toMatchObject({ event: 'state' });
    await db.prisma.session.delete({ where: { id: sessionId } });
    const started = Date.now();
    // A clean end of the body, not an error (a broken chunked response for the client).
    expect(await sse.rest(3_000)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
