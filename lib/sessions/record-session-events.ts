/**
 * What the app does with the events worker hosts forward (protocol/session-events.ts): store
 * each once (a batch sent again is recognised by the events' ids), keep the session's state
 * and transcript up to date, and wake the session's event streams.
 */
import type { PrismaClient } from '@prisma/client';
import type { ReportedSessionEvent, SessionEventBatch } from '@/protocol/session-events';
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
  const lastState = new Map<string, ReportedSessionEvent>();
  for (const reported of fresh) {
    if (reported.event.type === 'state') lastState.set(reported.sessionId, reported);
  }
  for (const reported of fresh) {
    if (reported.event.type === 'state' && lastState.get(reported.sessionId) !== reported) continue;
    await apply(prisma, reported);
  }
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

/** The session's state and transcript after the event. */
async function apply(prisma: PrismaClient, { sessionId, event }: ReportedSessionEvent) {
  switch (event.type) {
    case 'state':
      await prisma.session.update({ where: { id: sessionId }, data: { state: event.state } });
      return;
    case 'speech.started':
      await prisma.transcriptTurn.upsert({
        where: { sessionId_turnId: { sessionId, turnId: event.turnId } },
        create: {
          sessionId,
          turnId: event.turnId,
          role: 'avatar',
          text: event.text,
          startedAt: new Date(event.startedAt),
        },
        update: {},
      });
      return;
    case 'speech.ended': {
      const turn = {
        text: event.text,
        startedAt: new Date(event.startedAt),
        endedAt: new Date(event.endedAt),
        interrupted: event.interrupted,
      };
      await prisma.transcriptTurn.upsert({
        where: { sessionId_turnId: { sessionId, turnId: event.turnId } },
        create: { sessionId, turnId: event.turnId, role: 'avatar', ...turn },
        update: turn,
      });
      return;
    }
    case 'user.transcript':
      await prisma.transcriptTurn.upsert({
        where: { sessionId_turnId: { sessionId, turnId: event.turnId } },
        create: {
          sessionId,
          turnId: event.turnId,
          role: 'user',
          speaker: event.speaker,
          text: event.text,
          startedAt: new Date(event.startedAt),
          endedAt: new Date(event.endedAt),
        },
        update: {},
      });
      return;
    case 'speech.dropped':
      // A turn cut by a crash or a lost connection after it was heard ends there, interrupted;
      // one never heard has no transcript turn (the event itself is kept and streamed).
      if (event.reason !== 'interrupted') {
        await prisma.transcriptTurn.updateMany({
          where: { sessionId, turnId: event.turnId, endedAt: null },
          data: { endedAt: new Date(), interrupted: true },
        });
      }
      return;
    case 'speech.queued':
    case 'connection':
    case 'error':
      return;
    default:
      event satisfies never;
  }
}
