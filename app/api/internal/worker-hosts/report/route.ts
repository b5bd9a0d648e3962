import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { noteHostHeard } from '@/lib/workers/app-stall';
import { recordHostReport } from '@/lib/workers/record-host-report';
import { assertWorkerSecret } from '@/lib/workers/worker-auth';
import { hostReportSchema } from '@/protocol/host-report';

/**
 * POST /api/internal/worker-hosts/report (HOST_REPORT_PATH), worker hosts only:
 * `Authorization: Bearer <WORKER_SECRET>`, body a HostReport → 200 {stop: [sessionId…]}.
 */
export const POST = withErrors(async ({ request }) => {
  assertWorkerSecret(request, env().WORKER_SECRET);
  const report = hostReportSchema.parse(await readJson(request));
  // Heard now, before its figures wait for the database (app-stall.ts).
  noteHostHeard(report.hostId);
  return Response.json(await recordHostReport(await db(), report));
});
