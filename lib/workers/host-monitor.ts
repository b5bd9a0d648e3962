/**
 * Watches the pool from the app's side: a host silent longer than HOST_SILENCE_TIMEOUT_MS (of
 * the time this app was able to hear it: app-stall.ts) is marked lost and its sessions are
 * dispatched again (into the same rooms, so viewers stay); a first dispatch no host took within
 * PICKUP_RETRY_MS while hosts had free slots is sent once more (LiveKit's job routing between
 * nodes can miss a free host in a burst);
 * a session dispatched that no host picks up within PICKUP_TIMEOUT_MS fails with a reason.
 */
import type { PrismaClient } from '@prisma/client';
import { redispatchSession, type SessionDispatcher } from '@/lib/sessions/dispatch-session';
import { log } from '@/lib/log/logger';
import { HOST_SILENCE_TIMEOUT_MS } from '@/protocol/host-report';
import { hostConnected, startStallMeter } from './app-stall';
import { sessionEndedWebhook } from '@/lib/webhooks/session-webhooks';
import { freeSlots } from './pool-capacity';

/** A dispatched session no host has reported for this long fails, ms. */
export const PICKUP_TIMEOUT_MS = 30_000;
/**
 * A first dispatch no host has taken after this long is sent again once, when the pool has
 * free slots, ms. With two LiveKit nodes, four dispatches within 70 ms were all routed to the
 * node whose host was filling up; the fourth got "no workers with sufficient capacity" and was
 * never offered to the other node's idle host (multi-node test, CI).
 */
export const PICKUP_RETRY_MS = 10_000;
/** How often the app checks, ms. */
export const HOST_CHECK_INTERVAL_MS = 1_000;

export const PICKUP_FAILED_MESSAGE =
  'No worker host picked up the session. Check that a worker is running (`npm run worker`) and connected to the same LiveKit server, then start the session again.';

export interface CheckHostsResult {
  lostHosts: string[];
  redispatched: string[];
  failed: string[];
}

/** First dispatches no host took within PICKUP_RETRY_MS, sent again while hosts have room. */
async function retryUnpicked(
  prisma: PrismaClient,
  now: Date,
  options: { dispatch?: SessionDispatcher },
): Promise<string[]> {
  const unpicked = await prisma.session.findMany({
    where: {
      status: 'starting',
      workerHostId: null,
      restarts: 0,
      dispatchedAt: { lt: new Date(now.getTime() - PICKUP_RETRY_MS) },
    },
    select: { id: true },
  });
  if (unpicked.length === 0 || (await freeSlots(prisma, now)) === 0) return [];
  const sent: string[] = [];
  for (const { id } of unpicked) {
    const again = await redispatchSession(prisma, id, 'no host took the dispatch', {
      now,
      expect: { workerHostId: null, restarts: 0 },
      ...(options.dispatch ? { dispatch: options.dispatch } : {}),
    });
    if (again) sent.push(id);
  }
  return sent;
}

/** One pass over hosts and waiting sessions as of `now`. */
export async function checkHosts(
  prisma: PrismaClient,
  now: Date,
  options: { dispatch?: SessionDispatcher } = {},
): Promise<CheckHostsResult> {
  const result: CheckHostsResult = { lostHosts: [], redispatched: [], failed: [] };
  const silent = await prisma.workerHost.findMany({
    where: {
      state: { not: 'lost' },
      lastSeenAt: { lt: new Date(now.getTime() - HOST_SILENCE_TIMEOUT_MS) },
    },
    select: { id: true, lastSeenAt: true },
  });
  for (const host of silent) {
    // The app itself stood still for part of that silence: the host had no chance to be heard.
    // A report of it reached this app and waits to be stored: not silent either.
    if (hostConnected(host.lastSeenAt, now, host.id)) continue;
    // Conditional, so a report that just arrived (or another app instance) wins the race.
    const marked = await prisma.workerHost.updateMany({
      where: { id: host.id, state: { not: 'lost' }, lastSeenAt: host.lastSeenAt },
      data: { state: 'lost' },
    });
    if (marked.count === 0) continue;
    result.lostHosts.push(host.id);
    const orphans = await prisma.session.findMany({
      where: { workerHostId: host.id, status: { in: ['starting', 'live'] } },
      select: { id: true },
    });
    log.warn(
      {
        hostId: host.id,
        silentMs: now.getTime() - host.lastSeenAt.getTime(),
        sessions: orphans.length,
      },
      'worker host lost',
    );
    for (const { id } of orphans) {
      const sent = await redispatchSession(prisma, id, `host ${host.id} went silent`, {
        now,
        expect: { workerHostId: host.id },
        ...(options.dispatch ? { dispatch: options.dispatch } : {}),
      });
      if (sent) result.redispatched.push(id);
    }
  }
  result.redispatched.push(...(await retryUnpicked(prisma, now, options)));
  const stale = await prisma.session.findMany({
    where: {
      status: 'starting',
      workerHostId: null,
      // Only dispatched sessions: a session started without dispatch has no dispatchedAt.
      dispatchedAt: { lt: new Date(now.getTime() - PICKUP_TIMEOUT_MS) },
    },
    select: { id: true },
  });
  for (const { id } of stale) {
    // Conditional: with two app instances checking, only one fails it (and sends the event).
    const { count } = await prisma.session.updateMany({
      where: { id, status: 'starting', workerHostId: null },
      data: { status: 'failed', error: PICKUP_FAILED_MESSAGE, endedAt: now },
    });
    if (count === 0) continue;
    result.failed.push(id);
    log.warn({ sessionId: id }, 'no worker host picked up the session');
    await sessionEndedWebhook(prisma, id);
  }
  return result;
}

const holder = globalThis as typeof globalThis & { facecastHostMonitor?: NodeJS.Timeout };

/**
 * Runs checkHosts every HOST_CHECK_INTERVAL_MS in the app process (once, however often it
 * is called); errors are logged, never thrown. The timer does not keep the process alive.
 */
export function startHostMonitor(prisma: PrismaClient): void {
  if (holder.facecastHostMonitor) return;
  startStallMeter();
  let running = false;
  holder.facecastHostMonitor = setInterval(() => {
    if (running) return;
    running = true;
    checkHosts(prisma, new Date())
      .catch((error: unknown) => log.error({ err: error }, 'worker host check failed'))
      .finally(() => {
        running = false;
      });
  }, HOST_CHECK_INTERVAL_MS);
  holder.facecastHostMonitor.unref();
}
