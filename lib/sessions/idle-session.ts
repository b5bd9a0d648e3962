/**
 * When an instant ("talk now") session has been left alone long enough to end by itself:
 * nobody but the avatar in its room for FACECAST_IDLE_MINUTES, counted from the last time a
 * viewer was seen, or from when it went live if none ever was. Booked sessions run to their
 * booking's end whoever is there (the scheduler ends them).
 */
import type { Session } from '@prisma/client';

export function isIdleExpired(options: {
  session: Pick<Session, 'bookingId' | 'liveAt' | 'lastViewerAt'>;
  /** People in the room now, the avatar not counted. */
  viewersNow: number;
  now: Date;
  idleMs: number;
}): boolean {
  const { session, viewersNow, now, idleMs } = options;
  if (session.bookingId || viewersNow > 0) return false;
  const since = session.lastViewerAt ?? session.liveAt;
  if (!since) return false;
  return now.getTime() - since.getTime() >= idleMs;
}
