/**
 * Tokens into a session's room: who may join, under which name, and how many at once; each
 * token is short-lived (VIEWER_TOKEN_TTL_S) and recorded (RoomParticipant) so the host can
 * moderate and a rotated link's tokens are refused.
 */
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { TokenVerifier } from 'livekit-server-sdk';
import { ApiError } from '@/lib/api/errors';
import type { SessionUser } from '@/lib/auth/auth-options';
import { env } from '@/lib/config/env';
import { createViewerToken, roomService, VIEWER_TOKEN_TTL_S } from '@/lib/livekit/livekit';
import { AVATAR_IDENTITY } from '@/protocol/room-control';
import { DISPLAY_NAME_MAX_CHARS, sanitizeDisplayName } from './display-name';
import type { ParticipantRole } from './room-event-types';
import { guestMayTalk, type RoomDoor, type RoomVia } from './room-door';

/** A token issued this recently counts toward max viewers even before its holder connects, ms. */
const PENDING_JOIN_MS = 30_000;

/** Token attributes the room's checks read back. */
export const ATTR_LINK = 'facecast.link';
export const ATTR_VIA = 'facecast.via';

export interface RoomGrant {
  livekitUrl: string;
  token: string;
  identity: string;
  name: string;
  role: ParticipantRole;
  mayTalk: boolean;
  sessionId: string;
  avatarName: string;
  /** When the booked session ends (ISO 8601); absent for instant sessions. */
  endsAt?: string;
  /** When the token stops working; the page refreshes it before (ISO 8601). */
  expiresAt: string;
}

function assertRunning(status: string) {
  if (status !== 'live' && status !== 'starting') {
    throw new ApiError('conflict', 'This session has ended.');
  }
}

/** People in the room now or about to be (tokens just issued), without the avatar and host. */
export async function viewersInRoom(prisma: PrismaClient, door: RoomDoor): Promise<number> {
  const present = await roomService()
    .listParticipants(door.session.roomName)
    .catch(() => []);
  const hosts = new Set(
    (
      await prisma.roomParticipant.findMany({
        where: { sessionId: door.session.id, role: 'host' },
        select: { identity: true },
      })
    ).map((p) => p.identity),
  );
  const here = new Set(
    present.map((p) => p.identity).filter((id) => id !== AVATAR_IDENTITY && !hosts.has(id)),
  );
  const arriving = await prisma.roomParticipant.findMany({
    where: {
      sessionId: door.session.id,
      role: { not: 'host' },
      removedAt: null,
      createdAt: { gt: new Date(Date.now() - PENDING_JOIN_MS) },
    },
    select: { identity: true },
  });
  for (const p of arriving) here.add(p.identity);
  return here.size;
}

async function signGrant(options: {
  door: RoomDoor;
  identity: string;
  name: string;
  role: ParticipantRole;
  linkVersion: number;
}): Promise<RoomGrant> {
  const { door, identity, name, role } = options;
  const mayTalk = role !== 'guest' || guestMayTalk(door);
  const token = await createViewerToken({
    roomName: door.session.roomName,
    identity,
    name,
    mayTalk,
    mayPublishData: role === 'host',
    attributes: { [ATTR_LINK]: String(options.linkVersion), [ATTR_VIA]: door.via },
  });
  return {
    livekitUrl: env().LIVEKIT_URL,
    token,
    identity,
    name,
    role,
    mayTalk,
    sessionId: door.session.id,
    avatarName: door.session.avatar.name,
    ...(door.booking ? { endsAt: door.booking.endsAt.toISOString() } : {}),
    expiresAt: new Date(Date.now() + VIEWER_TOKEN_TTL_S * 1000).toISOString(),
  };
}

/**
 * A token for someone entering through a link: the owner (host) always; others when the link
 * admits them (a public viewer link, or a booking's join link), the room is not locked and
 * not full. Guests must choose a display name.
 */
export async function issueRoomToken(options: {
  prisma: PrismaClient;
  door: RoomDoor;
  user: SessionUser | null;
  name?: string;
}): Promise<RoomGrant> {
  const { prisma, door, user } = options;
  const { session } = door;
  const isOwner = user !== null && user.id === session.userId;
  if (!isOwner && door.via === 'watch' && !session.publicViewing) {
    throw new ApiError(
      'not_found',
      'This viewer link is not valid, or its owner has not made the session public.',
    );
  }
  assertRunning(session.status);
  let name: string;
  if (isOwner) {
    name =
      sanitizeDisplayName(options.name ?? '') ||
      sanitizeDisplayName(user.email.split('@')[0] ?? '') ||
      'Host';
  } else {
    name = sanitizeDisplayName(options.name ?? '');
    if (name === '') {
      throw new ApiError(
        'unprocessable',
        `Choose a display name (1-${DISPLAY_NAME_MAX_CHARS} characters) so the others know who is talking.`,
      );
    }
    if (session.roomLocked) {
      throw new ApiError('forbidden', 'The host locked this room: nobody new can join now.');
    }
    const max = door.booking?.maxViewers ?? env().FACECAST_ROOM_MAX_VIEWERS;
    if ((await viewersInRoom(prisma, door)) >= max) {
      throw new ApiError(
        'room_full',
        `This room is full: it takes ${max} ${max === 1 ? 'viewer' : 'viewers'}. Try again when someone leaves.`,
        {},
        { maxViewers: max },
      );
    }
  }
  const role: ParticipantRole = isOwner ? 'host' : 'guest';
  const identity = `${isOwner ? 'viewer' : 'guest'}-${randomBytes(6).toString('hex')}`;
  await prisma.roomParticipant.create({
    data: { sessionId: session.id, identity, name, role, linkVersion: session.linkVersion },
  });
  return signGrant({ door, identity, name, role, linkVersion: session.linkVersion });
}

/** The claims of a room token this app signed, or a 401 saying what to do. */
export async function verifyRoomToken(token: string, graceS = 0) {
  try {
    const claims = await new TokenVerifier(env().LIVEKIT_API_KEY, env().LIVEKIT_API_SECRET).verify(
      token,
      graceS,
    );
    const room = claims.video?.room;
    if (!claims.sub || !room) throw new Error('no identity or room');
    const via: RoomVia = claims.attributes?.[ATTR_VIA] === 'join' ? 'join' : 'watch';
    return {
      identity: claims.sub,
      roomName: room,
      linkVersion: Number(claims.attributes?.[ATTR_LINK] ?? '0'),
      via,
    };
  } catch {
    throw new ApiError(
      'unauthorized',
      'Your room token is not valid or has expired: reload the page to join again.',
    );
  }
}

/**
 * A participant's row, refused when removed or when the host rotated the link since their
 * token was issued (the host's own rows survive rotation).
 */
export async function activeParticipant(
  prisma: PrismaClient,
  sessionId: string,
  identity: string,
  currentLinkVersion: number,
) {
  const row = await prisma.roomParticipant.findUnique({
    where: { sessionId_identity: { sessionId, identity } },
  });
  if (!row) throw new ApiError('unauthorized', 'You are not in this room: reload the page.');
  if (row.removedAt) {
    throw new ApiError('forbidden', row.removedReason ?? 'The host removed you from this room.');
  }
  if (row.role !== 'host' && row.linkVersion < currentLinkVersion) {
    throw new ApiError(
      'forbidden',
      'The host replaced the link you joined with: ask them for the new one.',
    );
  }
  return row;
}

/** Tokens expired this long ago may still be exchanged for a fresh one (a sleeping tab), s. */
const REFRESH_GRACE_S = 5 * 60;

/**
 * A fresh token for someone already in the room (same identity and name). `sessionId` is the
 * room the request names: a token for another room is a 404, as for a room that is not there.
 */
export async function refreshRoomToken(options: {
  prisma: PrismaClient;
  sessionId: string;
  token: string;
}): Promise<RoomGrant> {
  const { prisma } = options;
  const claims = await verifyRoomToken(options.token, REFRESH_GRACE_S);
  const session = await prisma.session.findUnique({
    where: { roomName: claims.roomName },
    include: { avatar: { select: { name: true } }, booking: true },
  });
  if (!session || session.id !== options.sessionId) {
    throw new ApiError('not_found', 'This room no longer exists, or your token is for another.');
  }
  assertRunning(session.status);
  const row = await activeParticipant(prisma, session.id, claims.identity, session.linkVersion);
  await prisma.roomParticipant.update({
    where: { id: row.id },
    data: { lastTokenAt: new Date() },
  });
  const { booking, ...rest } = session;
  return signGrant({
    door: { session: rest, booking, via: claims.via },
    identity: row.identity,
    name: row.name,
    role: row.role === 'host' || row.role === 'moderator' ? row.role : 'guest',
    linkVersion: row.role === 'host' ? session.linkVersion : row.linkVersion,
  });
}
