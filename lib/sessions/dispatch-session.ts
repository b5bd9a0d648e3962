/**
 * Hands a session to the worker pool through LiveKit's agent dispatch: worker hosts register
 * with the LiveKit server as agent workers under FACECAST_AGENT_NAME, and the server places
 * the job on one of them by their reported load. The whole session request travels in the
 * dispatch metadata (protocol/dispatch-metadata.ts), its API key sealed.
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import { AgentDispatchClient } from 'livekit-server-sdk';
import { ApiError } from '@/lib/api/errors';
import { env } from '@/lib/config/env';
import { createRoom, livekitHttpUrl } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';
import { encodeDispatchMetadata } from '@/protocol/dispatch-metadata';
import type { SessionRequest } from '@/protocol/session-request';
import { sessionRequestForSession } from './session-request';
import { sessionEndedWebhook } from '@/lib/webhooks/session-webhooks';

export interface DispatchOptions {
  roomName: string;
  request: SessionRequest;
}

/**
 * How long the room that places an agent's face lives with nobody in it, s: longer than any
 * session (a booking is at most 8 h); the face ends with its agent, or when stopped.
 */
export const AGENT_PLACEMENT_ROOM_S = 12 * 60 * 60;

/** Places a session on the pool. Injectable so tests can watch re-dispatches without LiveKit. */
export type SessionDispatcher = (options: DispatchOptions) => Promise<void>;

/**
 * Creates the room if it is missing (LiveKit answers an existing room unchanged) and asks
 * the LiveKit server to dispatch the avatar agent into it with the request as metadata.
 */
export async function dispatchSession({ roomName, request }: DispatchOptions): Promise<void> {
  const { LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, WORKER_SECRET, FACECAST_AGENT_NAME } =
    env();
  // createRoom's empty timeout (10 min) outlasts a process restart or a re-dispatch. An
  // agent's face is in the agent's room: this one, where nobody joins, only places it.
  await createRoom(roomName, request.agent ? { emptyTimeoutS: AGENT_PLACEMENT_ROOM_S } : {});
  const client = new AgentDispatchClient(
    livekitHttpUrl(LIVEKIT_URL),
    LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET,
  );
  await client.createDispatch(roomName, FACECAST_AGENT_NAME, {
    metadata: encodeDispatchMetadata(request, WORKER_SECRET),
  });
}

export interface RedispatchOptions {
  /** Defaults to dispatchSession (LiveKit). */
  dispatch?: SessionDispatcher;
  dataDir?: string;
  now?: Date;
  /**
   * What the row must still say for the claim to hold, e.g. the host it was on: a
   * re-dispatch clears the host, so a second app instance acting on the same host report
   * (each host reports to all of them) claims nothing and dispatches nothing.
   */
  expect?: Pick<Prisma.SessionWhereInput, 'workerHostId' | 'restarts'>;
}

/**
 * Dispatches a running session again into its own room (its host went silent or handed it
 * back): the request is rebuilt from the database exactly as at the first start, the session
 * goes back to `starting` with no host until one reports it, and its restart count goes up.
 * A session that can no longer be rebuilt or placed is marked failed with the reason.
 * Returns whether the dispatch was sent.
 */
export async function redispatchSession(
  prisma: PrismaClient,
  sessionId: string,
  reason: string,
  options: RedispatchOptions = {},
): Promise<boolean> {
  const dispatch = options.dispatch ?? dispatchSession;
  const now = options.now ?? new Date();
  const session = await prisma.session.findUnique({ where: { id: sessionId } });
  if (!session || (session.status !== 'starting' && session.status !== 'live')) return false;
  try {
    const request = await sessionRequestForSession(prisma, {
      sessionId,
      dataDir: options.dataDir ?? env().FACECAST_DATA_DIR,
      env: env(),
    });
    // Before the dispatch: the new host may report the session before dispatch() returns.
    // Conditional, so a session the user stopped meanwhile is not brought back.
    const claimed = await prisma.session.updateMany({
      where: { id: sessionId, status: { in: ['starting', 'live'] }, ...options.expect },
      data: {
        status: 'starting',
        workerHostId: null,
        dispatchedAt: now,
        restarts: { increment: 1 },
      },
    });
    if (claimed.count === 0) return false;
    await dispatch({ roomName: session.roomName, request });
  } catch (error) {
    log.warn({ err: error, sessionId, reason }, 'session re-dispatch failed');
    const message =
      error instanceof ApiError
        ? `Could not restart the session: ${error.message}`
        : 'Could not restart the session: the live video server (LiveKit) did not take the dispatch.';
    const failed = await prisma.session.updateMany({
      where: { id: sessionId, status: { in: ['starting', 'live'] } },
      data: { status: 'failed', error: message, endedAt: now },
    });
    if (failed.count === 1) await sessionEndedWebhook(prisma, sessionId);
    return false;
  }
  log.info(
    { sessionId, reason, fromHost: session.workerHostId, restarts: session.restarts + 1 },
    'session dispatched again',
  );
  return true;
}
