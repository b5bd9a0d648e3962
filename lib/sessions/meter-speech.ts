import type { PrismaClient } from '@prisma/client';

/**
 * Adds text the avatar was asked to say or answer to the session's metered speech
 * (`speechChars`, in characters: code points, so an emoji counts once). Called by the speak
 * and message routes and the booking goodbye; chat that reaches the avatar calls it too.
 * A session that is gone is ignored (the text was already sent).
 */
export async function meterSpeech(options: {
  prisma: PrismaClient;
  sessionId: string;
  /** The text, or its length in characters. */
  chars: string | number;
}): Promise<void> {
  const chars = typeof options.chars === 'number' ? options.chars : [...options.chars].length;
  if (!Number.isFinite(chars) || chars <= 0) return;
  await options.prisma.session.updateMany({
    where: { id: options.sessionId },
    data: { speechChars: { increment: Math.round(chars) } },
  });
}
