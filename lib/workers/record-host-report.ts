/**
 * What the app does with a worker host's report (protocol/host-report.ts): keep the
 * host's latest figures, bring each reported session's row up to date, tell the host which
 * of its sessions are over, and dispatch again the sessions it hands back.
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import { rebuildAvatarStore, STORE_REBUILT_MESSAGE } from '@/lib/avatars/rebuild-avatar-store';
import { env } from '@/lib/config/env';
import { log } from '@/lib/log/logger';
import { redispatchSession, type SessionDispatcher } from '@/lib/sessions/dispatch-session';
import { notifySessionStatus } from '@/lib/sessions/session-event-bus';
import type { HostReport, HostReportResponse } from '@/protocol/host-report';
import { recordHostSample } from './host-history';
import { sessionEndedWebhook, sessionStartedWebhook } from '@/lib/webhooks/session-webhooks';

export interface RecordHostReportOptions {
  now?: Date;
  /** Used for sessions the host hands back; defaults to LiveKit dispatch. */
  dispatch?: SessionDispatcher;
  /** Where avatar stores are rebuilt from; defaults to FACECAST_DATA_DIR. */
  dataDir?: string;
}

/**
 * Records one report. Sessions the database says are over (ended, failed), does not know,
 * or has given to another host are answered in `stop`. Sessions the host could not start
 * fail with its reason; a damaged avatar store is rebuilt (another host would fail too).
 */
export async function recordHostReport(
  prisma: PrismaClient,
  report: HostReport,
  options: RecordHostReportOptions = {},
): Promise<HostReportResponse> {
  const now = options.now ?? new Date();
  const figures = {
    agentWorkerId: report.agentWorkerId ?? null,
    metricsUrl: report.metricsUrl ?? null,
    state: report.state,
    capacity: report.capacity,
    active: report.active,
    prewarmed: report.prewarmed,
    load: report.load,
    cpuPercent: report.cpuPercent,
    cores: report.cores,
    rssMb: report.rssMb,
    pssMb: report.pssMb,
    restarts: report.restarts,
    lastReport: report as unknown as Prisma.InputJsonValue,
    lastSeenAt: now,
  };
  await prisma.workerHost.upsert({
    where: { id: report.hostId },
    create: { id: report.hostId, firstSeenAt: now, ...figures },
    update: figures,
  });
  recordHostSample(report.hostId, {
    atMs: now.getTime(),
    load: report.load,
    cpuPercent: report.cpuPercent,
    active: report.active,
  });

  const handBack = new Set(report.handBack);
  const reportedIds = report.sessions.map((s) => s.sessionId);
  const failedIds = report.failed.map((f) => f.sessionId);
  const rows = await prisma.session.findMany({
    where: { id: { in: [...reportedIds, ...handBack, ...failedIds] } },
    select: {
      id: true,
      status: true,
      workerHostId: true,
      restarts: true,
      avatarId: true,
      liveAt: true,
    },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const stop: string[] = [];
  for (const reported of report.sessions) {
    if (handBack.has(reported.sessionId) || failedIds.includes(reported.sessionId)) continue;
    const row = byId.get(reported.sessionId);
    const running = row && (row.status === 'starting' || row.status === 'live');
    // Another host took it over (this one was thought lost and came back): one runner only.
    const elsewhere = row?.workerHostId && row.workerHostId !== report.hostId;
    if (!running || elsewhere) {
      stop.push(reported.sessionId);
      continue;
    }
    // Written only while the session still runs: it may have been stopped (or failed) since
    // the read above, and a report built before that must not make it live again.
    const stillRunning = { id: row.id, status: { in: ['starting' as const, 'live' as const] } };
    // Metering counts from the first time the avatar is live (lib/quotas); set once, so
    // `session.started` goes out once even if two reports cross.
    const becameLive =
      reported.state === 'running' &&
      !row.liveAt &&
      (
        await prisma.session.updateMany({
          where: { ...stillRunning, liveAt: null },
          data: { liveAt: now },
        })
      ).count === 1;
    const updated = await prisma.session.updateMany({
      where: stillRunning,
      data: {
        workerHostId: report.hostId,
        status: reported.state === 'running' ? 'live' : 'starting',
        ...(reported.render
          ? { renderer: reported.render.renderer, notice: reported.render.notice ?? null }
          : {}),
        // Re-dispatches are counted here too; a fresh host counts its own restarts from 0.
        restarts: Math.max(row.restarts, reported.restarts),
        fps: reported.fps,
      },
    });
    if (updated.count === 0) {
      stop.push(reported.sessionId);
      continue;
    }
    if (row.status !== 'live' && reported.state === 'running') notifySessionStatus(row.id);
    if (becameLive) await sessionStartedWebhook(prisma, row.id);
  }
  for (const sessionId of handBack) {
    // Only from the host the session is on record with, and claimed on that condition: each
    // host reports to every app instance, and only the first to claim it may dispatch it
    // again (a row with no host could be the re-dispatch another instance just made). One
    // handed back before any report of it arrived waits for the pickup timeout instead.
    if (byId.get(sessionId)?.workerHostId !== report.hostId) continue;
    await redispatchSession(prisma, sessionId, `handed back by ${report.hostId}`, {
      now,
      expect: { workerHostId: report.hostId },
      ...(options.dispatch ? { dispatch: options.dispatch } : {}),
    });
  }
  for (const failure of report.failed) {
    const row = byId.get(failure.sessionId);
    if (!row || (row.workerHostId && row.workerHostId !== report.hostId)) continue;
    const storeBad = failure.code === 'avatar_store_invalid';
    const failed = await prisma.session.updateMany({
      where: { id: row.id, status: { in: ['starting', 'live'] } },
      data: {
        status: 'failed',
        error: storeBad
          ? STORE_REBUILT_MESSAGE
          : `The worker host could not start the session: ${failure.message}`,
        endedAt: now,
      },
    });
    if (failed.count === 0) continue;
    notifySessionStatus(row.id);
    await sessionEndedWebhook(prisma, row.id);
    log.warn(
      { hostId: report.hostId, sessionId: row.id, code: failure.code, detail: failure.message },
      'host could not start session',
    );
    if (storeBad) {
      await rebuildAvatarStore(prisma, row.avatarId, options.dataDir ?? env().FACECAST_DATA_DIR);
    }
  }
  if (stop.length > 0) log.info({ hostId: report.hostId, stop }, 'host told to stop sessions');
  return { stop };
}
