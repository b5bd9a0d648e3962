import type { PrismaClient, TranscriptTurn } from '@prisma/client';

/** One turn of `GET /api/v1/sessions/:id/transcript`. */
export interface TranscriptTurnView {
  role: 'user' | 'avatar';
  /** Who spoke a user turn: a participant identity, or "api". */
  speaker?: string;
  /** For the avatar, the text actually heard (cut where it was interrupted). */
  text: string;
  startedAt: string;
  endedAt?: string;
  interrupted: boolean;
}

export function transcriptTurnView(turn: TranscriptTurn): TranscriptTurnView {
  return {
    role: turn.role === 'user' ? 'user' : 'avatar',
    ...(turn.speaker ? { speaker: turn.speaker } : {}),
    text: turn.text,
    startedAt: turn.startedAt.toISOString(),
    ...(turn.endedAt ? { endedAt: turn.endedAt.toISOString() } : {}),
    interrupted: turn.interrupted,
  };
}

/** The session's turns in the order they started; avatar turns nobody heard are left out. */
export async function sessionTranscript(
  prisma: PrismaClient,
  sessionId: string,
): Promise<TranscriptTurnView[]> {
  const turns = await prisma.transcriptTurn.findMany({
    where: { sessionId },
    orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
  });
  return turns.filter((t) => t.role === 'user' || t.text !== '').map(transcriptTurnView);
}
