import type { Booking, PrismaClient, Session } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { type RouteScope, resolveUser } from '@/lib/auth/with-auth';
import { sanitizeDisplayName } from './display-name';
import type { ParticipantRole } from './room-event-types';
import { guestMayTalk } from './room-door';
import { activeParticipant, verifyRoomToken } from './room-token';

/** Who acts in a room: a participant (by their room token) or the owner (API key or login). */
export interface RoomActor {
  session: Session & { booking: Booking | null };
  /** The participant's LiveKit identity; null for the owner acting through the API. */
  identity: string | null;
  name: string;
  role: ParticipantRole;
  chatMuted: boolean;
  /**
   * Whether their chat reaches the avatar: the host and moderators; guests in an instant
   * session (the viewer link is for talking with the avatar; the mic needs "guests may
   * talk"); guests in a booked session when its "who may talk" includes them.
   */
  reachesAvatar: boolean;
}

/** A LiveKit token is a JWT (three dot-separated parts); API keys are not. */
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Resolves the caller of a room route: `Authorization: Bearer <room token>` for people in the
 * room (the token the page joined with), otherwise the session's owner by API key or login.
 * Rooms of other users' sessions are 404s. `scope` is what an API key needs (reading a room:
 * `read`; acting in it: `sessions`); room tokens are not API keys and carry no scopes.
 */
export async function resolveRoomActor(
  prisma: PrismaClient,
  request: Request,
  sessionId: string,
  scope: RouteScope,
): Promise<RoomActor> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    include: { booking: true },
  });
  if (bearer && JWT.test(bearer)) {
    const claims = await verifyRoomToken(bearer);
    if (!session || session.roomName !== claims.roomName) throw notFound('Room');
    const row = await activeParticipant(prisma, session.id, claims.identity, session.linkVersion);
    const role: ParticipantRole =
      row.role === 'host' || row.role === 'moderator' ? row.role : 'guest';
    return {
      session,
      identity: row.identity,
      name: row.name,
      role,
      chatMuted: row.chatMuted,
      reachesAvatar:
        role !== 'guest' ||
        session.booking === null ||
        guestMayTalk({ session, booking: session.booking, via: claims.via }),
    };
  }
  const user = await resolveUser(request, scope);
  if (!session || session.userId !== user.id) throw notFound('Room');
  return {
    session,
    identity: null,
    name: sanitizeDisplayName(user.email.split('@')[0] ?? '') || 'Host',
    role: 'host',
    chatMuted: false,
    reachesAvatar: true,
  };
}

/** Hosts and the moderators they named may moderate; the rest get a 403 saying so. */
export function assertModerator(actor: RoomActor, what = 'do this'): void {
  if (actor.role === 'guest') {
    throw new ApiError('forbidden', `Only the host or a moderator can ${what}.`);
  }
}

export function assertRunning(actor: RoomActor): void {
  if (actor.session.status !== 'live' && actor.session.status !== 'starting') {
    throw new ApiError('conflict', 'This session has ended.');
  }
}
