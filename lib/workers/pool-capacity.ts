/**
 * Room left in the worker pool, from the hosts' latest reports, checked before a session is
 * dispatched so a full pool is a clear 503 instead of a session nobody picks up.
 */
import type { Prisma } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { hostReportSchema } from '@/protocol/host-report';
import { hostConnected, hostSilenceBound, hostsHeardSince } from './app-stall';

/**
 * A dispatched session not yet reported by any host holds a slot for this long (ms): a host
 * reports every 2 s, so one that took the session has said so by then.
 */
export const PENDING_DISPATCH_MS = 10_000;

/** Seconds a refused client is told to wait. */
export const POOL_RETRY_AFTER_S = 10;

export interface PoolCapacity {
  /** Hosts heard from lately (`hostConnected`), in any state but lost. */
  hosts: number;
  /** Slots of the hosts that take sessions (available or full). */
  capacity: number;
  /** Sessions those hosts run plus dispatches not yet reported. */
  used: number;
  /** Slots a new session can take now. */
  free: number;
}

/** The pool's capacity as of `now`. */
export async function poolCapacity(
  prisma: Prisma.TransactionClient,
  now = new Date(),
): Promise<PoolCapacity> {
  const heard = await prisma.workerHost.findMany({
    where: {
      OR: [{ lastSeenAt: { gte: hostSilenceBound(now) } }, { id: { in: hostsHeardSince(now) } }],
      state: { not: 'lost' },
    },
    select: {
      id: true,
      state: true,
      capacity: true,
      active: true,
      lastSeenAt: true,
      lastReport: true,
    },
  });
  const hosts = heard.filter((host) => hostConnected(host.lastSeenAt, now, host.id));
  const pending = await prisma.session.count({
    where: {
      status: 'starting',
      workerHostId: null,
      dispatchedAt: { gte: new Date(now.getTime() - PENDING_DISPATCH_MS) },
      // A report stores the host's figures (its `active` counting the session) before the
      // session's row names the host: one read between the two must not count it twice.
      id: { notIn: hosts.flatMap((host) => reportedSessionIds(host.lastReport)) },
    },
  });
  let capacity = 0;
  let active = 0;
  let open = 0;
  for (const host of hosts) {
    if (host.state === 'draining') continue;
    capacity += host.capacity;
    active += host.active;
    if (host.state === 'available') open += Math.max(0, host.capacity - host.active);
  }
  return {
    hosts: hosts.length,
    capacity,
    used: active + pending,
    free: Math.max(0, open - pending),
  };
}

/** The sessions a host's stored report says it runs; none when the report cannot be read. */
function reportedSessionIds(lastReport: Prisma.JsonValue): string[] {
  const report = hostReportSchema.safeParse(lastReport);
  return report.success ? report.data.sessions.map((session) => session.sessionId) : [];
}

/** Slots a new session can take now. */
export async function freeSlots(
  prisma: Prisma.TransactionClient,
  now = new Date(),
): Promise<number> {
  return (await poolCapacity(prisma, now)).free;
}

/**
 * Throws a 503 with Retry-After when no host is connected or every slot is taken.
 * `heldForBookings`: free slots an instant session may not take (booked sessions due now).
 */
export async function assertPoolHasRoom(
  prisma: Prisma.TransactionClient,
  now = new Date(),
  heldForBookings = 0,
): Promise<void> {
  const pool = await poolCapacity(prisma, now);
  if (pool.free - heldForBookings > 0) return;
  const headers = { 'retry-after': String(POOL_RETRY_AFTER_S) };
  if (pool.free > 0) {
    throw new ApiError(
      'unavailable',
      `The free avatar slots (${pool.free}) are held for booked sessions starting now. Try again when one ends, or book a slot.`,
      headers,
    );
  }
  if (pool.hosts === 0) {
    throw new ApiError(
      'unavailable',
      'No worker host is connected, so no avatar can be rendered. Start one with `npm run worker` (it reports to this app within a few seconds).',
      headers,
    );
  }
  if (pool.capacity === 0) {
    throw new ApiError(
      'unavailable',
      'Every connected worker host is shutting down (draining). Start another with `npm run worker` or try again in a minute.',
      headers,
    );
  }
  const used = Math.min(pool.used, pool.capacity);
  throw new ApiError(
    'unavailable',
    `Every avatar slot is in use (${used} of ${pool.capacity}). Try again in a minute or stop a session.`,
    headers,
  );
}
