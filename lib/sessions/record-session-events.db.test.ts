/**
 * What the app does with the events worker hosts forward (recordSessionEvents): each stored
 * once, the session's state kept up to date, and the transcript built from them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import type { ReportedSessionEvent, SessionEvent } from '@/protocol/session-events';
import { recordSessionEvents } from './record-session-events';
import { sessionTranscript } from './session-transcript';

let db: TestDatabase;
let userId: string;
let avatarId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'events@example.com', password: 'password-1' }))
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

describe('recordSessionEvents', () => {
  it('stores each event once: a batch sent twice is stored once', async () => {
    const sessionId = await newSession();
    const batch = {
      events: [
        reported(sessionId, { type: 'state', state: 'listening' }, T0),
        reported(
          sessionId,
          { type: 'error', code: 'llm_failed', message: 'The model did not answer.' },
          T0 + 5,
        ),
      ],
    };
    expect(await recordSessionEvents(db.prisma, batch)).toEqual({ stored: 2 });
    expect(await recordSessionEvents(db.prisma, batch)).toEqual({ stored: 0 });
    const events = await db.prisma.sessionEvent.findMany({
      where: { sessionId },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.eventKey, e.type, e.data, e.at.getTime()])).toEqual([
      [batch.events[0]!.id, 'state', { state: 'listening' }, T0],
      [
        batch.events[1]!.id,
        'error',
        { code: 'llm_failed', message: 'The model did not answer.' },
        T0 + 5,
      ],
    ]);
    // Half of it again, with one new event: only the new one is stored.
    const more = reported(sessionId, { type: 'state', state: 'idle' }, T0 + 10);
    expect(await recordSessionEvents(db.prisma, { events: [batch.events[1]!, more] })).toEqual({
      stored: 1,
    });
    expect(await db.prisma.sessionEvent.count({ where: { sessionId } })).toBe(3);
  });

  it('stores an event repeated within one batch once, the batch in its order', async () => {
    const sessionId = await newSession();
    const first = reported(sessionId, { type: 'state', state: 'thinking' }, T0);
    const second = reported(sessionId, { type: 'state', state: 'speaking' }, T0 + 1);
    const result = await recordSessionEvents(db.prisma, { events: [first, second, first] });
    expect(result).toEqual({ stored: 2 });
    const events = await db.prisma.sessionEvent.findMany({
      where: { sessionId },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.eventKey)).toEqual([first.id, second.id]);
    const session = await db.prisma.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(session.state).toBe('speaking');
  });

  it('ignores events of sessions it does not know', async () => {
    const sessionId = await newSession();
    const result = await recordSessionEvents(db.prisma, {
      events: [
        reported('no-such-session', { type: 'state', state: 'speaking' }),
        reported(sessionId, { type: 'state', state: 'thinking' }),
      ],
    });
    expect(result).toEqual({ stored: 1 });
    expect(await db.prisma.sessionEvent.count({ where: { sessionId: 'no-such-session' } })).toBe(0);
    expect(await db.prisma.sessionEvent.count({ where: { sessionId } })).toBe(1);
  });

  it('keeps Session.state at the last reported state', async () => {
    const sessionId = await newSession();
    const state = async () =>
      (await db.prisma.session.findUniqueOrThrow({ where: { id: sessionId } })).state;
    expect(await state()).toBe('idle');
    await recordSessionEvents(db.prisma, {
      events: [
        reported(sessionId, { type: 'state', state: 'listening' }),
        reported(sessionId, { type: 'state', state: 'thinking' }),
      ],
    });
    expect(await state()).toBe('thinking');
    await recordSessionEvents(db.prisma, {
      events: [reported(sessionId, { type: 'state', state: 'speaking' })],
    });
    expect(await state()).toBe('speaking');
  });

  it('builds transcript turns: the user’s with the speaker, the avatar’s with the text heard', async () => {
    const sessionId = await newSession();
    await recordSessionEvents(db.prisma, {
      events: [
        reported(sessionId, {
          type: 'user.transcript',
          turnId: 'u1',
          speaker: 'visitor-7',
          text: 'When does the museum close?',
          startedAt: T0,
          endedAt: T0 + 1_500,
        }),
        reported(sessionId, {
          type: 'speech.started',
          turnId: 'a1',
          text: 'We close at six. On Fridays we stay open until nine.',
          startedAt: T0 + 2_000,
        }),
      ],
    });
    // While it is playing, the turn has what is known so far and no end.
    expect(await sessionTranscript(db.prisma, sessionId)).toEqual([
      {
        role: 'user',
        speaker: 'visitor-7',
        text: 'When does the museum close?',
        startedAt: new Date(T0).toISOString(),
        endedAt: new Date(T0 + 1_500).toISOString(),
        interrupted: false,
      },
      {
        role: 'avatar',
        text: 'We close at six. On Fridays we stay open until nine.',
        startedAt: new Date(T0 + 2_000).toISOString(),
        interrupted: false,
      },
    ]);

    await recordSessionEvents(db.prisma, {
      events: [
        reported(sessionId, {
          type: 'speech.ended',
          turnId: 'a1',
          text: 'We close at six.',
          interrupted: true,
          startedAt: T0 + 2_000,
          endedAt: T0 + 3_200,
        }),
      ],
    });
    const turns = await db.prisma.transcriptTurn.findMany({ where: { sessionId } });
    expect(turns).toHaveLength(2);
    expect((await sessionTranscript(db.prisma, sessionId))[1]).toEqual({
      role: 'avatar',
      text: 'We close at six.',
      startedAt: new Date(T0 + 2_000).toISOString(),
      endedAt: new Date(T0 + 3_200).toISOString(),
      interrupted: true,
    });
  });

  it('creates the avatar turn from speech.ended alone (its start was lost)', async () => {
    const sessionId = await newSession();
    await recordSessionEvents(db.prisma, {
      events: [
        reported(sessionId, {
          type: 'speech.ended',
          turnId: 'a9',
          text: 'Goodbye!',
          interrupted: false,
          startedAt: T0,
          endedAt: T0 + 900,
        }),
      ],
    });
    expect(await sessionTranscript(db.prisma, sessionId)).toEqual([
      {
        role: 'avatar',
        text: 'Goodbye!',
        startedAt: new Date(T0).toISOString(),
        endedAt: new Date(T0 + 900).toISOString(),
        interrupted: false,
      },
    ]);
  });
  it('writes a busy batch of turns: each turn once, with its end, whichever batch began it', async () => {
    const sessionId = await newSession();
    // A turn begun in an earlier batch and ended in the busy one.
    await recordSessionEvents(db.prisma, {
      events: [
        reported(sessionId, {
          type: 'speech.started',
          turnId: 'early',
          text: 'Hello there',
          startedAt: T0,
        }),
      ],
    });
    const events: ReportedSessionEvent[] = [
      reported(sessionId, {
        type: 'speech.ended',
        turnId: 'early',
        text: 'Hello',
        interrupted: true,
        startedAt: T0,
        endedAt: T0 + 400,
      }),
    ];
    // 300 messages interrupting each other: each turn starts and ends in the same batch.
    for (let n = 0; n < 300; n++) {
      const startedAt = T0 + 1_000 + n * 10;
      events.push(
        reported(sessionId, {
          type: 'speech.started',
          turnId: `t${n}`,
          text: `Say ${n}.`,
          startedAt,
        }),
        reported(sessionId, {
          type: 'speech.ended',
          turnId: `t${n}`,
          text: n === 299 ? `Say ${n}.` : '',
          interrupted: n !== 299,
          startedAt,
          endedAt: startedAt + 5,
        }),
      );
    }
    expect((await recordSessionEvents(db.prisma, { events })).stored).toBe(601);
    const turns = await db.prisma.transcriptTurn.findMany({
      where: { sessionId },
      orderBy: { startedAt: 'asc' },
    });
    expect(turns).toHaveLength(301);
    expect(turns[0]).toMatchObject({ turnId: 'early', text: 'Hello', interrupted: true });
    expect(turns[0]!.endedAt).toEqual(new Date(T0 + 400));
    expect(turns.slice(1).every((turn) => turn.endedAt !== null && turn.role === 'avatar')).toBe(
      true,
    );
    expect(turns.at(-1)).toMatchObject({ turnId: 't299', text: 'Say 299.', interrupted: false });
  });
});

describe('sessionTranscript', () => {
  it('orders turns by start and leaves out avatar turns nobody heard', async () => {
    const sessionId = await newSession();
    // Reported out of order: the transcript follows when turns started.
    await recordSessionEvents(db.prisma, {
      events: [
        reported(sessionId, {
          type: 'speech.ended',
          turnId: 'a2',
          text: 'Second answer.',
          interrupted: false,
          startedAt: T0 + 20_000,
          endedAt: T0 + 21_000,
        }),
        reported(sessionId, {
          type: 'speech.ended',
          turnId: 'a1',
          text: 'First answer.',
          interrupted: false,
          startedAt: T0 + 5_000,
          endedAt: T0 + 6_000,
        }),
        // Interrupted before a word was heard.
        reported(sessionId, {
          type: 'speech.ended',
          turnId: 'a-silent',
          text: '',
          interrupted: true,
          startedAt: T0 + 12_000,
          endedAt: T0 + 12_050,
        }),
        reported(sessionId, {
          type: 'user.transcript',
          turnId: 'u1',
          speaker: 'api',
          text: 'Hello',
          startedAt: T0,
          endedAt: T0,
        }),
        reported(sessionId, {
          type: 'user.transcript',
          turnId: 'u2',
          speaker: 'visitor-1',
          text: 'And then?',
          startedAt: T0 + 10_000,
          endedAt: T0 + 11_000,
        }),
      ],
    });
    const transcript = await sessionTranscript(db.prisma, sessionId);
    expect(transcript.map((t) => [t.role, t.text])).toEqual([
      ['user', 'Hello'],
      ['avatar', 'First answer.'],
      ['user', 'And then?'],
      ['avatar', 'Second answer.'],
    ]);
    expect(transcript[0]).toMatchObject({ speaker: 'api' });
    // Another session's transcript is its own.
    expect(await sessionTranscript(db.prisma, await newSession())).toEqual([]);
  });

  it('ends a turn a crash cut off as interrupted; a dropped turn never heard adds none', async () => {
    const sessionId = await newSession();
    await recordSessionEvents(db.prisma, {
      events: [
        reported(sessionId, { type: 'speech.queued', turnId: 'a1', text: 'Hello there.' }),
        reported(sessionId, { type: 'speech.queued', turnId: 'a2', text: 'And more.' }),
        reported(sessionId, {
          type: 'speech.started',
          turnId: 'a1',
          text: 'Hello there.',
          startedAt: T0,
        }),
        reported(sessionId, {
          type: 'speech.dropped',
          turnId: 'a1',
          text: 'Hello there.',
          reason: 'crash',
        }),
        reported(sessionId, {
          type: 'speech.dropped',
          turnId: 'a2',
          text: 'And more.',
          reason: 'crash',
        }),
      ],
    });
    const turns = await db.prisma.transcriptTurn.findMany({ where: { sessionId } });
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({ turnId: 'a1', interrupted: true });
    expect(turns[0]?.endedAt).toBeInstanceOf(Date);
    const stored = await db.prisma.sessionEvent.findMany({ where: { sessionId } });
    expect(stored.map((e) => e.type).filter((t) => t === 'speech.dropped')).toHaveLength(2);
  });
});
