/**
 * Who may watch and who may talk: `PATCH /api/v1/sessions/:id {publicViewing?, guestsMayTalk?}`.
 * Turning guests' talking on or off also changes the permissions of the guests connected now
 * (LiveKit fixes a token's permissions at join), so nobody has to reload.
 */
import type { PrismaClient, Session } from '@prisma/client';
import { z } from 'zod';
import { setGuestMicrophones } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';
import { findOwnSession } from './find-session';

export const sessionAccessSchema = z
  .object({
    /** Whether logged-out people holding the viewer URL may watch and chat. */
    publicViewing: z
      .boolean({ invalid_type_error: 'publicViewing must be true or false' })
      .optional(),
    /** Whether guests on the viewer URL may publish a microphone; the owner always may. */
    guestsMayTalk: z
      .boolean({ invalid_type_error: 'guestsMayTalk must be true or false' })
      .optional(),
  })
  .strict()
  .refine((body) => body.publicViewing !== undefined || body.guestsMayTalk !== undefined, {
    message: 'Give publicViewing or guestsMayTalk (true or false).',
  });
export type SessionAccess = z.infer<typeof sessionAccessSchema>;

export async function updateSessionAccess(
  prisma: PrismaClient,
  options: {
    userId: string;
    sessionId: string;
    changes: SessionAccess;
    /** Applies guestsMayTalk to the guests in the room; LiveKit's server API by default. */
    setGuestMicrophones?: (roomName: string, mayTalk: boolean) => Promise<number>;
  },
): Promise<Session> {
  const session = await findOwnSession(prisma, options.userId, options.sessionId);
  const updated = await prisma.session.update({ where: { id: session.id }, data: options.changes });
  const running = updated.status === 'live' || updated.status === 'starting';
  if (running && updated.guestsMayTalk !== session.guestsMayTalk) {
    const apply = options.setGuestMicrophones ?? setGuestMicrophones;
    try {
      const guests = await apply(updated.roomName, updated.guestsMayTalk);
      log.info(
        { sessionId: updated.id, guestsMayTalk: updated.guestsMayTalk, guests },
        'guest microphones updated',
      );
    } catch (error) {
      // Stored anyway: guests get it with their next token (the watch page asks for one
      // when its mic is pressed).
      log.warn({ err: error, sessionId: updated.id }, 'guest microphones not updated');
    }
  }
  return updated;
}
