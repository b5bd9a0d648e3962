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
  // Heard now, before its figures wait for the database (app-stall.ts). The app server noted
  // it on arrival already when the host sent its x-facecast-host header; this covers a host
  // without it (an older version) and a server other than scripts/app-server.mjs.
  noteHostHeard(report.hostId);
  return Response.json(await recordHostReport(await db(), report));
});
