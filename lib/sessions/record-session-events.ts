/**
 * What the app does with the events worker hosts forward (protocol/session-events.ts): store
 * each once (a batch sent again is recognised by the events' ids), keep the session's state
 * and transcript up to date, and wake the session's event streams.
 */
import type { PrismaClient } from '@prisma/client';
import { isUniqueViolation } from '@/lib/db/errors';
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
  let stored = 0;
  const touched = new Set<string>();
  for (const reported of batch.events) {
    if (!known.has(reported.sessionId)) continue;
    if (!(await storeOnce(prisma, reported))) continue;
    await apply(prisma, reported);
    stored++;
    touched.add(reported.sessionId);
  }
  for (const sessionId of touched) notifySessionEvents(sessionId);
  return { stored };
}

/** Whether the event was new (false: stored before, from a batch sent twice). */
async function storeOnce(prisma: PrismaClient, reported: ReportedSessionEvent): Promise<boolean> {
  const { type, ...data } = reported.event;
  try {
    await prisma.sessionEvent.create({
      data: {
        sessionId: reported.sessionId,
        eventKey: reported.id,
        type,
        data,
        at: new Date(reported.at),
      },
    });
    return true;
  } catch (error) {
    // Through PGlite the unique violation is not reported as P2002 (lib/db/errors.ts).
    if (isUniqueViolation(error)) return false;
    throw error;
  }
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
