/**
 * A look into every live session's room every ~15 s, through the LiveKit server API: meters
 * its viewers (most at once, when one was last seen, how many joined) and ends instant
 * sessions nobody has been in for FACECAST_IDLE_MINUTES (idle-session.ts), and sessions past
 * their `endsBy` (a widget session's longest length). One app instance
 * at a time does it, under a lease in the database, like the booking scheduler.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient, Session } from '@prisma/client';
import { env } from '@/lib/config/env';
import { acquireLease } from '@/lib/db/lease';
import { log } from '@/lib/log/logger';
import { isIdleExpired } from './idle-session';

/** How often the rooms are looked at (ms). */
export const ROOM_SWEEP_INTERVAL_MS = 15_000;
/** The lease outlives a few missed sweeps before another instance takes over (ms). */
export const ROOM_SWEEP_LEASE_MS = 60_000;
const LEASE_NAME = 'room-sweep';

/** What a sweep does outside the database: the real ones use LiveKit and stopSession. */
export interface RoomSweepActions {
  /** Identities in the session's room now, the avatar not counted. */
  listViewers(roomName: string): Promise<string[]>;
  /** Ends a session left idle. */
  stop(session: Session): Promise<void>;
}

export interface RoomSweepResult {
  leader: boolean;
  swept: number;
  /** Sessions ended for being idle. */
  ended: string[];
  failed: string[];
}

/**
 * One sweep. `viewersJoined` becomes the number of people the room issued a token to
 * (RoomParticipant rows), never less than the most seen at once; `idleMs` defaults to
 * FACECAST_IDLE_MINUTES.
 */
export async function runRoomSweep(
  prisma: PrismaClient,
  options: { holder: string; actions: RoomSweepActions; now?: Date; idleMs?: number },
): Promise<RoomSweepResult> {
  const now = options.now ?? new Date();
  const idleMs = options.idleMs ?? env().FACECAST_IDLE_MINUTES * 60_000;
  const result: RoomSweepResult = { leader: false, swept: 0, ended: [], failed: [] };
  result.leader = await acquireLease(prisma, {
    name: LEASE_NAME,
    holder: options.holder,
    ttlMs: ROOM_SWEEP_LEASE_MS,
    now,
  });
  if (!result.leader) return result;
  // An agent's face is in the agent's room, not in this installation's: it ends with its
  // agent (worker/agents/watch-agent.ts), not for having no viewers here.
  const live = await prisma.session.findMany({ where: { status: 'live', agentUrl: null } });
  for (const session of live) {
    try {
      const viewers = new Set(await options.actions.listViewers(session.roomName)).size;
      const tokens = await prisma.roomParticipant.count({ where: { sessionId: session.id } });
      const metered = {
        peakViewers: Math.max(session.peakViewers, viewers),
        viewersJoined: Math.max(session.viewersJoined, tokens, viewers),
        lastViewerAt: viewers > 0 ? now : session.lastViewerAt,
      };
      // Only the row's metering fields, and only while it still runs.
      await prisma.session.updateMany({
        where: { id: session.id, status: 'live' },
        data: metered,
      });
      result.swept++;
      if (session.endsBy && now >= session.endsBy) {
        // A widget session's longest length (its embed's maxMinutes), whoever is there.
        await options.actions.stop(session);
        result.ended.push(session.id);
        log.info({ sessionId: session.id }, 'session reached its end time');
      } else if (
        isIdleExpired({ session: { ...session, ...metered }, viewersNow: viewers, now, idleMs })
      ) {
        await options.actions.stop(session);
        result.ended.push(session.id);
        log.info({ sessionId: session.id, idleMs }, 'idle session ended');
      }
    } catch (error) {
      result.failed.push(session.id);
      log.warn({ err: error, sessionId: session.id }, 'room sweep step failed');
    }
  }
  return result;
}

/** Starts the sweep in this app process (instrumentation.ts); returns a stop function. */
export function startRoomSweep(prisma: PrismaClient, actions: RoomSweepActions): () => void {
  const holder = `${process.pid}-${randomUUID()}`;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runRoomSweep(prisma, { holder, actions })
      .catch((error: unknown) => log.warn({ err: error }, 'room sweep failed'))
      .finally(() => {
        running = false;
      });
  }, ROOM_SWEEP_INTERVAL_MS);
  timer.unref();
  log.info({ holder }, 'room sweep started');
  return () => clearInterval(timer);
}
