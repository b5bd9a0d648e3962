import { database } from '@/lib/db/db';
import { livekitReachable } from '@/lib/livekit/livekit';
import { poolCapacity } from '@/lib/workers/pool-capacity';

export const dynamic = 'force-dynamic';

/** How long one check answers for: the route is open to anyone, and a check costs the app a
 * request to LiveKit and two database queries (~8 ms of its CPU, measured 2026-12-07). */
const CHECK_REUSED_FOR_MS = 1_000;

interface Health {
  body: {
    status: 'ok' | 'degraded';
    db: 'ok' | 'down';
    livekit: 'ok' | 'down';
    workers: { status: 'ok' | 'down'; hosts: number; capacity: number; active: number };
  };
  ok: boolean;
}

async function check(): Promise<Health> {
  const [dbOk, livekit, pool] = await Promise.all([
    database()
      .then((d) => d.ping())
      .catch(() => false),
    livekitReachable(),
    database()
      .then((d) => poolCapacity(d.prisma))
      .catch(() => null),
  ]);
  const hosts = pool?.hosts ?? 0;
  const ok = dbOk && livekit && hosts > 0;
  return {
    ok,
    body: {
      status: ok ? 'ok' : 'degraded',
      db: dbOk ? 'ok' : 'down',
      livekit: livekit ? 'ok' : 'down',
      workers: {
        status: hosts > 0 ? 'ok' : 'down',
        hosts,
        capacity: pool?.capacity ?? 0,
        active: pool?.used ?? 0,
      },
    },
  };
}

// One per process (Next.js bundles a module into several chunks: decision 029).
const last = ((
  globalThis as typeof globalThis & {
    facecastHealth?: { health: Promise<Health> | null; doneAt: number | null };
  }
).facecastHealth ??= { health: null, doneAt: null });

/**
 * GET /api/health → {status, db, livekit, workers}; 503 when anything is down. Workers are
 * the hosts that reported recently (lib/workers/pool-capacity.ts). Callers within a second of
 * a check, or while one is running, get its answer.
 */
export async function GET(): Promise<Response> {
  const stale = last.doneAt !== null && performance.now() - last.doneAt > CHECK_REUSED_FOR_MS;
  if (!last.health || stale) {
    const health = check();
    last.health = health;
    last.doneAt = null;
    const done = () => {
      if (last.health === health) last.doneAt = performance.now();
    };
    health.then(done, done);
  }
  const { ok, body } = await last.health;
  return Response.json(body, { status: ok ? 200 : 503 });
}
