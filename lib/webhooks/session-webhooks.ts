/**
 * Session events for the owner's webhooks: `session.started` when the avatar is first live,
 * `session.ended` when it ends or fails (with why), and `transcript.ready` when an ended
 * session's transcript can be read whole.
 */
import type { PrismaClient } from '@prisma/client';
import { env } from '@/lib/config/env';
import { emitWebhookEvent } from './emit';

/**
 * How long `transcript.ready` waits after the end, ms: the session process forwards its last
 * turns (an interrupted sentence, the final words) just after the room closes.
 */
export const TRANSCRIPT_GRACE_MS = 5_000;

async function sessionRow(prisma: PrismaClient, sessionId: string) {
  return prisma.session.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      userId: true,
      avatarId: true,
      bookingId: true,
      status: true,
      error: true,
      liveAt: true,
      endedAt: true,
    },
  });
}

export async function sessionStartedWebhook(prisma: PrismaClient, sessionId: string) {
  const row = await sessionRow(prisma, sessionId);
  if (!row) return;
  await emitWebhookEvent(prisma, row.userId, 'session.started', {
    sessionId: row.id,
    avatarId: row.avatarId,
    bookingId: row.bookingId,
    liveAt: row.liveAt?.toISOString() ?? null,
  });
}

export async function sessionEndedWebhook(prisma: PrismaClient, sessionId: string) {
  const row = await sessionRow(prisma, sessionId);
  if (!row) return;
  await emitWebhookEvent(prisma, row.userId, 'session.ended', {
    sessionId: row.id,
    avatarId: row.avatarId,
    bookingId: row.bookingId,
    status: row.status,
    ...(row.error ? { error: row.error } : {}),
    endedAt: row.endedAt?.toISOString() ?? null,
  });
  if (row.status !== 'ended') return;
  await emitWebhookEvent(
    prisma,
    row.userId,
    'transcript.ready',
    {
      sessionId: row.id,
      avatarId: row.avatarId,
      url: new URL(`/api/v1/sessions/${row.id}/transcript`, env().APP_URL).toString(),
    },
    new Date(),
    { delayMs: TRANSCRIPT_GRACE_MS },
  );
}
