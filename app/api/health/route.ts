import { database } from '@/lib/db/db';
import { livekitReachable } from '@/lib/livekit/livekit';
import { workerHealth } from '@/lib/sessions/worker-client';

export const dynamic = 'force-dynamic';

/** GET /api/health → {status, db, livekit, workers}; 503 when anything is down. */
export async function GET(): Promise<Response> {
  const [dbOk, livekit, worker] = await Promise.all([
    database()
      .then((d) => d.ping())
      .catch(() => false),
    livekitReachable(),
    workerHealth(),
  ]);
  const workers = worker
    ? { status: 'ok', hosts: 1, capacity: worker.capacity, active: worker.active }
    : { status: 'down', hosts: 0, capacity: 0, active: 0 };
  const ok = dbOk && livekit && worker !== null;
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
