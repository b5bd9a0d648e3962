/**
 * What the app does with the events worker hosts forward (protocol/session-events.ts): store
 * each once (a batch sent again is recognised by the events' ids), keep the session's state
 * and transcript up to date, and wake the session's event streams.
 */
import type { PrismaClient } from '@prisma/client';
import type {
  ReportedSessionEvent,
  SessionEventBatch,
  SessionState,
} from '@/protocol/session-events';
import { notifySessionEvents } from './session-event-bus';

/** Stores a batch; events of sessions the app does not know are dropped. */
export async function recordSessionEvents(
  prisma: PrismaClient,
  batch: SessionEventBatch,
): Promise<{ stored: number }> {
  const ids = [...new Set(batch.events.map((e) => e.sessionId))];
  const known = new Set(
    (await prisma.session.findMany({ where: { id: { in: ids } }, select: { id: true } })).map(
      (s) => s.id,
    ),
  );
  const fresh = await storeOnce(
    prisma,
    batch.events.filter((e) => known.has(e.sessionId)),
  );
  // Only a session's last state in the batch is written: the ones before it are overwritten.
  const lastState = new Map<string, SessionState>();
  for (const { sessionId, event } of fresh) {
    if (event.type === 'state') lastState.set(sessionId, event.state);
  }
  for (const [sessionId, state] of lastState) {
    await prisma.session.update({ where: { id: sessionId }, data: { state } });
  }
  await writeTranscript(prisma, fresh);
  for (const sessionId of new Set(fresh.map((e) => e.sessionId))) notifySessionEvents(sessionId);
  return { stored: fresh.length };
}

/**
 * Stores the events in one statement and returns those that were new, in the batch's order
 * (an event stored before, from a batch sent twice, is skipped by its unique key). One
 * insert per batch, not per event: typed messages under load made these inserts a fifth of
 * the app's queries (`npm run bench -- api`).
 */
async function storeOnce(
  prisma: PrismaClient,
  events: ReportedSessionEvent[],
): Promise<ReportedSessionEvent[]> {
  if (events.length === 0) return [];
  const inserted = await prisma.sessionEvent.createManyAndReturn({
    data: events.map((reported) => {
      const { type, ...data } = reported.event;
      return {
        sessionId: reported.sessionId,
        eventKey: reported.id,
        type,
        data,
        at: new Date(reported.at),
      };
    }),
    skipDuplicates: true,
    select: { eventKey: true },
  });
  const keys = new Set(inserted.map((row) => row.eventKey));
  // The same event twice in one batch is new once.
  return events.filter((reported) => keys.delete(reported.id));
}

/** One transcript turn of one session, as a map key. */
const turnKey = (sessionId: string, turnId: string) => `${sessionId}\u0000${turnId}`;

/** What a batch does to one transcript turn: the row if it is new, the change if it is not. */
interface TurnWrite {
  sessionId: string;
  turnId: string;
  create: {
    role: 'avatar' | 'user';
    speaker?: string;
    text: string;
    startedAt: Date;
    endedAt?: Date;
    interrupted?: boolean;
  };
  /** Undefined: a turn already stored is left as it is. */
  update?: { text: string; startedAt: Date; endedAt: Date; interrupted: boolean };
}

/**
 * The transcript after the batch's events, in a few statements for the whole batch rather
 * than an upsert per event: a turn's start and end in one batch are one row, new turns are one
 * insert, and only turns stored by an earlier batch are updated one by one. A busy session
 * (messages interrupting each other under `npm run bench -- api`) sends batches of hundreds of
 * events, and an upsert each kept the worker host's calls waiting past its timeout.
 */
async function writeTranscript(prisma: PrismaClient, events: ReportedSessionEvent[]) {
  const writes = new Map<string, TurnWrite>();
  const drops: Array<{ sessionId: string; turnId: string }> = [];
  for (const { sessionId, event } of events) {
    if (
      event.type !== 'speech.started' &&
      event.type !== 'speech.ended' &&
      event.type !== 'user.transcript' &&
      event.type !== 'speech.dropped'
    )
      continue;
    const key = turnKey(sessionId, event.turnId);
    const write = writes.get(key);
    switch (event.type) {
      case 'speech.started':
        if (!write)
          writes.set(key, {
            sessionId,
            turnId: event.turnId,
            create: { role: 'avatar', text: event.text, startedAt: new Date(event.startedAt) },
          });
        break;
      case 'speech.ended': {
        const turn = {
          text: event.text,
          startedAt: new Date(event.startedAt),
          endedAt: new Date(event.endedAt),
          interrupted: event.interrupted,
        };
        if (write) Object.assign(write, { create: { ...write.create, ...turn }, update: turn });
        else
          writes.set(key, {
            sessionId,
            turnId: event.turnId,
            create: { role: 'avatar', ...turn },
            update: turn,
          });
        break;
      }
      case 'user.transcript':
        if (!write)
          writes.set(key, {
            sessionId,
            turnId: event.turnId,
            create: {
              role: 'user',
              speaker: event.speaker,
              text: event.text,
              startedAt: new Date(event.startedAt),
              endedAt: new Date(event.endedAt),
            },
          });
        break;
      case 'speech.dropped':
        // A turn cut by a crash or a lost connection after it was heard ends there, interrupted;
        // one never heard has no transcript turn (the event itself is kept and streamed).
        if (event.reason !== 'interrupted') drops.push({ sessionId, turnId: event.turnId });
        break;
    }
  }
  if (writes.size > 0) {
    const all = [...writes.values()];
    const created = await prisma.transcriptTurn.createManyAndReturn({
      data: all.map((write) => ({
        sessionId: write.sessionId,
        turnId: write.turnId,
        ...write.create,
      })),
      // A turn an earlier batch stored is updated below instead.
      skipDuplicates: true,
      select: { sessionId: true, turnId: true },
    });
    const isNew = new Set(created.map((row) => turnKey(row.sessionId, row.turnId)));
    for (const write of all) {
      if (!write.update || isNew.has(turnKey(write.sessionId, write.turnId))) continue;
      await prisma.transcriptTurn.update({
        where: { sessionId_turnId: { sessionId: write.sessionId, turnId: write.turnId } },
        data: write.update,
      });
    }
  }
  for (const { sessionId, turnId } of drops) {
    await prisma.transcriptTurn.updateMany({
      where: { sessionId, turnId, endedAt: null },
      data: { endedAt: new Date(), interrupted: true },
    });
  }
}
