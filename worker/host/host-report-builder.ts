/**
 * The host's report to the app (protocol/host-report.ts) from the supervisor's
 * sessions and one sample of every process's CPU and memory.
 */
import type { HostReport } from '../../protocol/host-report';
import type { ProcessStats } from './proc-stats';
import type { SessionSummary } from './session-supervisor';

export type FailedStart = HostReport['failed'][number];

export interface HostReportInputs {
  hostId: string;
  agentWorkerId: string | undefined;
  metricsUrl: string;
  capacity: number;
  cores: number;
  restarts: number;
  draining: boolean;
  sessions: SessionSummary[];
  prewarmed: number;
  /** Latest sample of the host's processes (host, sessions, idle), by pid. */
  stats: Map<number, ProcessStats>;
  handBack: string[];
  failed: FailedStart[];
}

const MB = 1024 * 1024;

/** The load a host reports (to LiveKit, in metrics and reports): sessions over capacity, 0-1. */
export function hostLoad(active: number, capacity: number): number {
  return Math.min(1, active / Math.max(1, capacity));
}
const round1 = (value: number) => Math.round(value * 10) / 10;

export function buildHostReport(inputs: HostReportInputs): HostReport {
  const { capacity, sessions, stats } = inputs;
  let cpuPercent = 0;
  let rssBytes = 0;
  let pssBytes = 0;
  for (const s of stats.values()) {
    cpuPercent += s.cpuPercent;
    rssBytes += s.rssBytes;
    pssBytes += s.pssBytes ?? s.rssBytes;
  }
  const active = sessions.length;
  return {
    hostId: inputs.hostId,
    ...(inputs.agentWorkerId ? { agentWorkerId: inputs.agentWorkerId } : {}),
    metricsUrl: inputs.metricsUrl,
    state: inputs.draining ? 'draining' : active >= capacity ? 'full' : 'available',
    capacity,
    active,
    prewarmed: inputs.prewarmed,
    load: hostLoad(active, capacity),
    cpuPercent: round1(cpuPercent),
    cores: inputs.cores,
    rssMb: round1(rssBytes / MB),
    pssMb: round1(pssBytes / MB),
    restarts: inputs.restarts,
    sessions: sessions.map((session) => {
      const proc = session.pid === undefined ? undefined : stats.get(session.pid);
      return {
        sessionId: session.sessionId,
        roomName: session.roomName,
        avatarId: session.avatarId,
        state: session.state,
        ...(session.pid === undefined ? {} : { pid: session.pid }),
        startedAt: session.startedAt,
        restarts: session.restarts,
        fps: session.fps,
        framesRendered: session.framesRendered,
        framesDropped: session.framesDropped,
        cpuPercent: round1(proc?.cpuPercent ?? 0),
        rssMb: round1((proc?.rssBytes ?? 0) / MB),
        pssMb: round1((proc?.pssBytes ?? proc?.rssBytes ?? 0) / MB),
        ...(session.render ? { render: session.render } : {}),
        ...(session.quality ? { quality: session.quality } : {}),
      };
    }),
    handBack: inputs.handBack,
    failed: inputs.failed,
  };
}
