import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { recordSessionEvents } from '@/lib/sessions/record-session-events';
import { assertWorkerSecret } from '@/lib/workers/worker-auth';
import { sessionEventBatchSchema } from '@/protocol/session-events';

/**
 * POST /api/internal/sessions/events (SESSION_EVENTS_PATH), worker hosts only:
 * `Authorization: Bearer <WORKER_SECRET>`, body {events: [...]} → 200 {stored}.
 */
export const POST = withErrors(async ({ request }) => {
  assertWorkerSecret(request, env().WORKER_SECRET);
  const batch = sessionEventBatchSchema.parse(await readJson(request));
  return Response.json(await recordSessionEvents(await db(), batch));
});
