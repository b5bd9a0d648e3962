import { database } from '@/lib/db/db';
import { livekitReachable } from '@/lib/livekit/livekit';
import { poolCapacity } from '@/lib/workers/pool-capacity';

export const dynamic = 'force-dynamic';

/**
 * GET /api/health → {status, db, livekit, workers}; 503 when anything is down. Workers are
 * the hosts that reported recently (lib/workers/pool-capacity.ts).
 */
export async function GET(): Promise<Response> {
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
  const workers = {
    status: hosts > 0 ? 'ok' : 'down',
    hosts,
    capacity: pool?.capacity ?? 0,
    active: pool?.used ?? 0,
  };
  const ok = dbOk && livekit && hosts > 0;
  return Response.json(
    {
      status: ok ? 'ok' : 'degraded',
      db: dbOk ? 'ok' : 'down',
      livekit: livekit ? 'ok' : 'down',
      workers,
    },
    { status: ok ? 200 : 503 },
  );
}
