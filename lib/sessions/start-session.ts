import { randomBytes } from 'node:crypto';
import type { PrismaClient, Session } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { stepAsideFromAdmission } from '@/lib/api/step-aside';
import { checkFrameStore } from '@/lib/avatars/check-frame-store';
import { rebuildAvatarStore, STORE_REBUILT_MESSAGE } from '@/lib/avatars/rebuild-avatar-store';
import { deleteRoom } from '@/lib/livekit/livekit';
import { env } from '@/lib/config/env';
import { log } from '@/lib/log/logger';
import { slotsHeldByBookings } from '@/lib/bookings/held-slots';
import { admitSession } from '@/lib/quotas/admit-session';
import { assertPoolHasRoom } from '@/lib/workers/pool-capacity';
import { dispatchSession } from './dispatch-session';
import { onSessionStatus } from './session-event-bus';
import { outboundPolicyOf } from '@/lib/providers/outbound-policy';
import { sessionRequestFor } from './session-request';
import { conversationFor } from '@/lib/conversation/conversation-settings';
import { sealSecret } from '@/protocol/sealing';
import { widgetConversation } from '@/lib/embeds/widget-conversation';
import type { Db } from '@/lib/quotas/user-usage';
import { speechProviderFor } from './speech-config';

export interface StartSessionOptions {
  userId: string;
  avatarId: string;
  dataDir: string;
  publicViewing?: boolean;
  /** Whether guests' tokens may publish a microphone (a booking's "who may talk"). */
  guestsMayTalk?: boolean;
  /**
   * How long to wait for a host to report the session running before answering, ms: 0
   * answers at once with the session still `starting` (viewers can join the room already).
   */
  waitMs?: number;
  /** The booking this session is started for (by the booking scheduler). */
  bookingId?: string;
  /**
   * Start the avatar as the face of a LiveKit Agent, in the agent's room on the agent's
   * server (lib/agent-sessions); the token is checked (agent-token.ts) before this.
   */
  agent?: AgentFaceStart;
  /**
   * A widget session (lib/embeds/start-widget-session.ts): the embed it came through, whose
   * mode and greeting it talks with, and when it ends at the latest.
   */
  widget?: {
    embed: { id: string; mode: string; greeting: string };
    endsBy: Date;
    /** Checked under the owner's quota lock, before the row is made (the embed's own cap). */
    admit: (tx: Db) => Promise<void>;
  };
}

export interface AgentFaceStart {
  livekitUrl: string;
  token: string;
  room: string;
  agentIdentity: string;
}

/**
 * Starts a session: a session row, a LiveKit room, and the avatar dispatched to the worker
 * pool (LiveKit agent dispatch). The row stays `starting` until a host reports the session
 * running (lib/workers/record-host-report.ts). An instant start over the user's quota is a
 * 429 and a full pool a 503, before anything is made;
 * if the dispatch fails, the session is marked failed and the room removed.
 */
export async function startSession(prisma: PrismaClient, options: StartSessionOptions) {
  const avatar = await prisma.avatar.findFirst({
    where: { id: options.avatarId, userId: options.userId },
  });
  if (!avatar) throw notFound('Avatar');
  if (avatar.status !== 'ready' || !avatar.framePath || !avatar.widthPx || !avatar.heightPx) {
    throw new ApiError(
      'conflict',
      avatar.status === 'failed'
        ? `This avatar cannot be used: ${avatar.error ?? 'preparation failed'}`
        : 'This avatar is still being prepared. Start the session once its status is "ready".',
    );
  }
  // A damaged store is never rendered: rebuild it from the kept upload and say so.
  const store = checkFrameStore(options.dataDir, avatar);
  if (!store.ok) {
    log.warn({ avatarId: avatar.id, code: store.code, detail: store.message }, 'frame store bad');
    throw await rebuildStore(prisma, avatar.id, options.dataDir);
  }
  // Before the session exists: a key that can no longer be unsealed is the user's to fix.
  const speech = speechProviderFor(avatar, env());
  const conversation = widgetConversation(conversationFor(avatar, env()), options.widget?.embed);
  const now = new Date();
  // A full pool is refused before the user's lock and quota reads (a third of the app's
  // queries under `npm run bench -- api` went to starts refused this way); the check in the
  // transaction below stays the one that decides.
  await assertPoolHasRoom(prisma, now);
  // An instant start is checked against the user's quotas first (a 429 says which limit and
  // how to get under it), under the user's lock; booked starts were admitted when booked.
  const session = await admitSession(
    prisma,
    { userId: options.userId, now, instant: !options.bookingId },
    async (tx) => {
      // Instant sessions use only capacity that no booking due now holds.
      const held = options.bookingId ? 0 : await slotsHeldByBookings(tx, now);
      await assertPoolHasRoom(tx, now, held);
      const roomName = `fc-${randomBytes(6).toString('hex')}`;
      await options.widget?.admit(tx);
      return tx.session.create({
        data: {
          userId: options.userId,
          avatarId: avatar.id,
          roomName,
          ...(options.agent ? agentColumns(options.agent, roomName) : {}),
          viewerKey: randomBytes(18).toString('base64url'),
          publicViewing: options.publicViewing ?? false,
          guestsMayTalk: options.guestsMayTalk ?? false,
          ...(options.bookingId ? { bookingId: options.bookingId } : {}),
          ...(options.widget
            ? { source: 'widget', embedId: options.widget.embed.id, endsBy: options.widget.endsBy }
            : {}),
          // Holds a pool slot until a host reports the session (lib/workers/pool-capacity.ts).
          dispatchedAt: new Date(),
        },
      });
    },
  );
  const request = {
    ...sessionRequestFor(
      {
        ...avatar,
        framePath: avatar.framePath,
        widthPx: avatar.widthPx,
        heightPx: avatar.heightPx,
      },
      session,
      options.dataDir,
      speech,
      conversation,
      await outboundPolicyOf(prisma, options.userId),
    ),
    ...(options.agent
      ? {
          agent: {
            livekitUrl: options.agent.livekitUrl,
            token: options.agent.token,
            agentIdentity: options.agent.agentIdentity,
          },
        }
      : {}),
  };
  try {
    await dispatchSession({ roomName: session.roomName, request });
  } catch (error) {
    log.warn({ err: error, sessionId: session.id }, 'session start failed');
    await prisma.session.update({
      where: { id: session.id },
      data: { status: 'failed', error: 'Could not start', endedAt: new Date() },
    });
    await deleteRoom(session.roomName).catch(() => undefined);
    if (error instanceof ApiError) throw error;
    throw new ApiError(
      'unavailable',
      'The live video server (LiveKit) is not reachable, so the session could not start. Try again shortly.',
      { 'retry-after': '30' },
    );
  }
  return options.waitMs === 0 ? session : waitUntilLive(prisma, session.id, options.waitMs);
}

/** The session row's agent columns; the token is sealed, bound to the session's room name. */
function agentColumns(agent: AgentFaceStart, roomName: string) {
  return {
    agentUrl: agent.livekitUrl,
    agentRoom: agent.room,
    agentIdentity: agent.agentIdentity,
    agentTokenSealed: sealSecret(agent.token, env().AUTH_SECRET, roomName),
  };
}

/** How long starting a session waits, by default, for a host to report it running. */
export const SESSION_START_WAIT_MS = 20_000;

/**
 * Waits until a host reports the session running (its report sets it live) and returns it;
 * a session that failed meanwhile is an error for the user; one still starting after the
 * wait is returned as it is (the host monitor fails it if no host ever picks it up). Woken by
 * this process's host reports (session-event-bus.ts); the database is read again every
 * STATUS_POLL_MS too, for a report that reached another app instance only.
 */
export async function waitUntilLive(
  prisma: PrismaClient,
  sessionId: string,
  waitMs = SESSION_START_WAIT_MS,
): Promise<Session> {
  const until = Date.now() + waitMs;
  let wake: (() => void) | undefined;
  let changed = false;
  const unsubscribe = onSessionStatus(sessionId, () => {
    changed = true;
    wake?.();
  });
  try {
    for (;;) {
      changed = false;
      const row = await prisma.session.findUniqueOrThrow({ where: { id: sessionId } });
      if (row.status === 'live' || row.status === 'ended') return row;
      if (row.status === 'failed') {
        const avatar = await prisma.avatar.findUnique({ where: { id: row.avatarId } });
        // A host found the frames damaged: the report queued a rebuild (record-host-report).
        if (avatar?.status === 'preparing')
          throw new ApiError('conflict', row.error ?? 'rebuilding');
        throw new ApiError(
          'unavailable',
          row.error ?? 'The worker host could not start this session. Try again.',
          { 'retry-after': '10' },
        );
      }
      const left = until - Date.now();
      if (left <= 0) return row;
      // Waiting for a host is not work for the app: it no longer counts as a call in progress.
      stepAsideFromAdmission();
      // A change reported while the row was being read is not missed: `changed` is set.
      if (!changed)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(STATUS_POLL_MS, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      wake = undefined;
    }
  } finally {
    unsubscribe();
  }
}

/** How often a waiting start reads its session again when no report in this process woke it. */
const STATUS_POLL_MS = 1_000;

/** Queues a rebuild of the avatar's frame store; returns the error that tells the user. */
async function rebuildStore(
  prisma: PrismaClient,
  avatarId: string,
  dataDir: string,
): Promise<ApiError> {
  await rebuildAvatarStore(prisma, avatarId, dataDir);
  return new ApiError('conflict', STORE_REBUILT_MESSAGE);
}
