/**
 * What the widget's frame asks the app for (docs/widget.md): a session for the visitor who
 * opened it (a new instant session of the avatar, paid by the owner's quotas, or a seat in
 * the avatar's live broadcast), a fresh short-lived token while it stays open, and an end
 * when it closes. The visitor is a random `guest-…` identity; a signed visitor identity only
 * names them.
 */
import { randomBytes } from 'node:crypto';
import type { AvatarEmbed, PrismaClient, Session } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { env } from '@/lib/config/env';
import { createViewerToken } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';
import { consumeRateLimit } from '@/lib/rate-limits/rate-limit';
import { widgetStartRule } from '@/lib/rate-limits/rules';
import { guestMayTalk } from '@/lib/rooms/room-door';
import {
  activeParticipant,
  ATTR_LINK,
  ATTR_VIA,
  verifyRoomToken,
  viewersInRoom,
} from '@/lib/rooms/room-token';
import { startSession } from '@/lib/sessions/start-session';
import { stopSession } from '@/lib/sessions/stop-session';
import { originAllowed } from './allowed-origins';
import { verifyVisitorToken } from './visitor-identity';

/** Widget tokens live this long; the frame asks for a fresh one while it is open, s. */
export const WIDGET_TOKEN_TTL_S = 10 * 60;
/** A token expired this long ago may still be refreshed or end its session (a sleeping tab), s. */
const GRACE_S = 5 * 60;
const ANONYMOUS = 'Visitor';

export interface WidgetGrant {
  livekitUrl: string;
  token: string;
  sessionId: string;
  identity: string;
  name: string;
  mayTalk: boolean;
  /** Whether the host page may make the avatar speak (`facecast:say`). */
  allowSay: boolean;
  /** `session`: a conversation of the visitor's own; `broadcast`: a seat in a live one. */
  kind: 'session' | 'broadcast';
  /** When the token stops working (ISO 8601); the frame refreshes it before. */
  expiresAt: string;
  /** When the session ends at the latest (ISO 8601). */
  endsBy: string | null;
}

const unknownEmbed = () =>
  new ApiError(
    'not_found',
    'This widget is not available: its owner may have turned embedding off. Check the data-avatar key of the snippet.',
  );

/** The embed behind a key, with what the widget needs of its avatar. */
export async function findEmbed(prisma: PrismaClient, embedKey: string) {
  if (embedKey.length > 64) throw unknownEmbed();
  const embed = await prisma.avatarEmbed.findUnique({
    where: { embedKey },
    include: { avatar: { select: { id: true, userId: true, name: true, status: true } } },
  });
  if (!embed) throw unknownEmbed();
  return embed;
}

/**
 * Whether a request may use this embed: its `Origin` is an allowed origin (a script on the
 * site), or it comes from the app's own frame page (`fromAppPage`) embedded in an allowed
 * origin (`hostOrigin`, which the browser only lets happen thanks to frame-ancestors).
 */
export function assertEmbedOrigin(
  embed: Pick<AvatarEmbed, 'allowedOrigins'>,
  options: { origin: string | null; fromAppPage: boolean; hostOrigin?: string },
): void {
  if (originAllowed(options.origin, embed.allowedOrigins)) return;
  if (options.fromAppPage && originAllowed(options.hostOrigin, embed.allowedOrigins)) return;
  throw new ApiError(
    'forbidden',
    `This avatar may not be embedded on ${
      options.fromAppPage
        ? (options.hostOrigin ?? 'this page').slice(0, 100)
        : (options.origin ?? 'this page').slice(0, 100)
    }: its owner has not allowed that site.`,
  );
}

async function signWidgetToken(options: {
  session: Pick<Session, 'roomName' | 'linkVersion'>;
  identity: string;
  name: string;
  mayTalk: boolean;
}): Promise<{ token: string; expiresAt: string }> {
  const token = await createViewerToken({
    roomName: options.session.roomName,
    identity: options.identity,
    name: options.name,
    mayTalk: options.mayTalk,
    ttlSeconds: WIDGET_TOKEN_TTL_S,
    // As a viewer link's guest: chat goes through the app (lib/rooms), never "invited".
    attributes: { [ATTR_LINK]: String(options.session.linkVersion), [ATTR_VIA]: 'watch' },
  });
  return { token, expiresAt: new Date(Date.now() + WIDGET_TOKEN_TTL_S * 1000).toISOString() };
}

/** A live broadcast of the avatar that visitors may join, if one is on. */
async function liveBroadcast(prisma: PrismaClient, avatarId: string) {
  return prisma.session.findFirst({
    where: {
      avatarId,
      status: { in: ['live', 'starting'] },
      booking: { kind: 'broadcast', status: 'scheduled' },
    },
    include: { avatar: { select: { name: true } }, booking: true },
    orderBy: { createdAt: 'desc' },
  });
}

/**
 * Starts the visitor's widget session (or seats them in the avatar's live broadcast) and
 * answers with a short-lived token. Refusals: 403 foreign origin (checked by the caller
 * first), 429 over the per-address or per-embed start rate, 409 `no_capacity` when the
 * embed's maxSessions are all in use, the owner's quota errors (429), a full pool (503).
 */
export async function startWidgetSession(
  prisma: PrismaClient,
  options: {
    embed: Awaited<ReturnType<typeof findEmbed>>;
    clientIp: string;
    visitorToken?: string;
  },
): Promise<WidgetGrant> {
  const { embed } = options;
  await consumeRateLimit(prisma, widgetStartRule('ip'), options.clientIp);
  await consumeRateLimit(prisma, widgetStartRule('embed'), embed.id);
  const visitor = await verifyVisitorToken(options.visitorToken, embed.secret);
  const name = visitor?.name ?? ANONYMOUS;
  const identity = `guest-${randomBytes(6).toString('hex')}`;

  const broadcast = await liveBroadcast(prisma, embed.avatarId);
  let session: Session;
  let mayTalk = embed.microphone;
  if (broadcast) {
    const { booking, ...rest } = broadcast;
    const door = { session: rest, booking, via: 'watch' as const };
    if (broadcast.roomLocked) {
      throw new ApiError('forbidden', 'The host locked this broadcast: nobody new can join now.');
    }
    if ((await viewersInRoom(prisma, door)) >= (booking?.maxViewers ?? 0)) {
      throw new ApiError('room_full', 'This broadcast is full. Try again when someone leaves.');
    }
    mayTalk = mayTalk && guestMayTalk(door);
    session = broadcast;
  } else {
    const now = new Date();
    session = await startSession(prisma, {
      userId: embed.avatar.userId,
      avatarId: embed.avatarId,
      dataDir: env().FACECAST_DATA_DIR,
      publicViewing: false,
      guestsMayTalk: embed.microphone,
      // The frame connects at once and shows the avatar when it arrives.
      waitMs: 0,
      widget: {
        embed,
        endsBy: new Date(now.getTime() + embed.maxMinutes * 60_000),
        admit: async (tx) => {
          const running = await tx.session.count({
            where: { embedId: embed.id, status: { in: ['starting', 'live'] } },
          });
          if (running >= embed.maxSessions) {
            throw new ApiError(
              'no_capacity',
              `All ${embed.maxSessions} conversations with this avatar are taken right now. Try again in a minute.`,
              { 'Retry-After': '60' },
              { retryAfterSeconds: 60 },
            );
          }
        },
      },
    });
  }
  await prisma.roomParticipant.create({
    data: {
      sessionId: session.id,
      identity,
      name,
      role: 'guest',
      linkVersion: session.linkVersion,
    },
  });
  log.info(
    {
      sessionId: session.id,
      embedId: embed.id,
      kind: broadcast ? 'broadcast' : 'session',
      signed: !!visitor,
    },
    'widget session opened',
  );
  return {
    livekitUrl: env().LIVEKIT_URL,
    ...(await signWidgetToken({ session, identity, name, mayTalk })),
    sessionId: session.id,
    identity,
    name,
    mayTalk,
    allowSay: embed.allowSay,
    kind: broadcast ? 'broadcast' : 'session',
    endsBy: session.endsBy?.toISOString() ?? null,
  };
}

/** The visitor's session and participant row behind a widget token of this embed. */
async function visitorOf(prisma: PrismaClient, embedId: string, token: string) {
  const claims = await verifyRoomToken(token, GRACE_S);
  const session = await prisma.session.findUnique({
    where: { roomName: claims.roomName },
    include: { booking: true },
  });
  const isWidget = session?.embedId === embedId;
  const isBroadcast = session?.booking?.kind === 'broadcast';
  if (!session || (!isWidget && !isBroadcast)) {
    throw new ApiError('not_found', 'This conversation is not one of this widget.');
  }
  const row = await activeParticipant(prisma, session.id, claims.identity, session.linkVersion);
  return { session, row, isWidget };
}

/** A fresh token for a visitor whose widget is still open (same identity and name). */
export async function refreshWidgetToken(
  prisma: PrismaClient,
  options: { embed: Pick<AvatarEmbed, 'id' | 'microphone' | 'allowSay'>; token: string },
): Promise<WidgetGrant> {
  const { session, row, isWidget } = await visitorOf(prisma, options.embed.id, options.token);
  if (session.status !== 'live' && session.status !== 'starting') {
    throw new ApiError('conflict', 'This conversation has ended.');
  }
  await prisma.roomParticipant.update({ where: { id: row.id }, data: { lastTokenAt: new Date() } });
  const mayTalk =
    options.embed.microphone &&
    (isWidget || guestMayTalk({ session, booking: session.booking, via: 'watch' }));
  return {
    livekitUrl: env().LIVEKIT_URL,
    ...(await signWidgetToken({ session, identity: row.identity, name: row.name, mayTalk })),
    sessionId: session.id,
    identity: row.identity,
    name: row.name,
    mayTalk,
    allowSay: options.embed.allowSay,
    kind: isWidget ? 'session' : 'broadcast',
    endsBy: session.endsBy?.toISOString() ?? null,
  };
}

/**
 * The visitor closed the widget: their own session ends (a broadcast goes on without them).
 * Ending twice, or an expired token's session that already ended, is fine.
 */
export async function endWidgetSession(
  prisma: PrismaClient,
  options: { embedId: string; token: string },
): Promise<void> {
  const { session, isWidget } = await visitorOf(prisma, options.embedId, options.token);
  if (!isWidget) return;
  await stopSession(prisma, { userId: session.userId, sessionId: session.id });
  log.info({ sessionId: session.id }, 'widget session closed by the visitor');
}
