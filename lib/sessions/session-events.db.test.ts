/**
 * What the app does with the events worker hosts forward: stored once, the session's state
 * and transcript kept up to date, and served as Server-Sent Events (read here as a browser's
 * EventSource would: `retry:`, then frames of `id:`, `event:` and `data:` lines).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import type { ReportedSessionEvent, SessionEvent } from '@/protocol/session-events';
import { recordSessionEvents } from './record-session-events';
import { sessionEventStream } from './session-event-stream';
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
});

// ---- Server-Sent Events --------------------------------------------------------------------

interface Frame {
  retry?: number;
  id?: number;
  event?: string;
  data?: unknown;
  comment?: string;
}

/** Reads a Server-Sent Events stream frame by frame, with a deadline per frame. */
function sseReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;

  const parse = (block: string): Frame => {
    const frame: Frame = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (field === '') frame.comment = value;
      else if (field === 'retry') frame.retry = Number(value);
      else if (field === 'id') frame.id = Number(value);
      else if (field === 'event') frame.event = value;
      else if (field === 'data') frame.data = JSON.parse(value);
      else throw new Error(`unexpected SSE line ${JSON.stringify(line)}`);
    }
    return frame;
  };

  /** The next frame, or null when the stream ended; throws after `timeoutMs`. */
  async function next(timeoutMs = 3_000): Promise<Frame | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return parse(block);
      }
      if (done) {
        expect(buffer, 'an unfinished frame at the end of the stream').toBe('');
        return null;
      }
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), Math.max(0, left));
        }),
      ]);
      clearTimeout(timer);
      if (chunk === 'timeout') throw new Error(`no SSE frame within ${timeoutMs} ms`);
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  /** Frames until the stream ends (keep-alive comments left out). */
  async function rest(timeoutMs: number): Promise<Frame[]> {
    const frames: Frame[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await next(Math.max(1, deadline - Date.now()));
      if (frame === null) return frames;
      if (frame.comment === undefined) frames.push(frame);
    }
  }

  return { next, rest, cancel: () => reader.cancel() };
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
});
