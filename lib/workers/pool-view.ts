/**
 * What the admin pool dashboard shows: each worker host with its latest figures and a short
 * history, and each running session with its host's live figures and its viewer count.
 */
import type { PrismaClient } from '@prisma/client';
import { roomService } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';
import { hostReportSchema, type HostSessionReport } from '@/protocol/host-report';
import { hostHistory, HOST_HISTORY_MS, type HostSample } from './host-history';
import { poolCapacity, type PoolCapacity } from './pool-capacity';

export interface PoolHostView {
  id: string;
  state: 'available' | 'full' | 'draining' | 'lost';
  capacity: number;
  active: number;
  prewarmed: number;
  /** 0-1. */
  load: number;
  /** 100 = one core. */
  cpuPercent: number;
  cores: number;
  rssMb: number;
  pssMb: number;
  restarts: number;
  metricsUrl: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  history: HostSample[];
}

export interface PoolSessionView {
  id: string;
  avatarName: string;
  room: string;
  status: 'starting' | 'live';
  /** What the host says the session process is doing, when a host reports it. */
  hostState: HostSessionReport['state'] | null;
  hostId: string | null;
  /** People in the room other than the avatar; null when LiveKit did not answer. */
  viewers: number | null;
  fps: number | null;
  cpuPercent: number | null;
  rssMb: number | null;
  pssMb: number | null;
  degraded: boolean;
  uptimeS: number;
  restarts: number;
  renderer: string | null;
}

export interface PoolView {
  capacity: PoolCapacity;
  hosts: PoolHostView[];
  sessions: PoolSessionView[];
  /** Whether LiveKit answered the room listing (viewer counts). */
  livekitReachable: boolean;
}

/** Participants per room name, or null when LiveKit cannot be asked. */
export type RoomCounter = (roomNames: string[]) => Promise<Map<string, number> | null>;

/** One listRooms call to the LiveKit server; null (and a log line) when it fails. */
export const livekitRoomCounter: RoomCounter = async (roomNames) => {
  if (roomNames.length === 0) return new Map();
  try {
    const rooms = await roomService().listRooms(roomNames);
    return new Map(rooms.map((room) => [room.name, room.numParticipants]));
  } catch (error) {
    log.warn({ err: error }, 'room listing for the pool view failed');
    return null;
  }
};

/** The dashboard's data as of `now`: hosts heard from within the history window. */
export async function poolView(
  prisma: PrismaClient,
  options: { now?: Date; countRooms?: RoomCounter } = {},
): Promise<PoolView> {
  const now = options.now ?? new Date();
  const hosts = await prisma.workerHost.findMany({
    where: { lastSeenAt: { gte: new Date(now.getTime() - HOST_HISTORY_MS) } },
    orderBy: { firstSeenAt: 'asc' },
  });
  const sessions = await prisma.session.findMany({
    where: { status: { in: ['starting', 'live'] } },
    include: { avatar: { select: { name: true } } },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  const reported = new Map<string, HostSessionReport>();
  for (const host of hosts) {
    if (host.state === 'lost') continue;
    const report = hostReportSchema.safeParse(host.lastReport);
    if (!report.success) continue;
    for (const session of report.data.sessions) reported.set(session.sessionId, session);
  }
  const counts = await (options.countRooms ?? livekitRoomCounter)(sessions.map((s) => s.roomName));
  return {
    capacity: await poolCapacity(prisma, now),
    livekitReachable: counts !== null,
    hosts: hosts.map((host) => ({
      id: host.id,
      state: host.state,
      capacity: host.capacity,
      active: host.active,
      prewarmed: host.prewarmed,
      load: host.load,
      cpuPercent: host.cpuPercent,
      cores: host.cores,
      rssMb: host.rssMb,
      pssMb: host.pssMb,
      restarts: host.restarts,
      metricsUrl: host.metricsUrl,
      firstSeenAt: host.firstSeenAt.toISOString(),
      lastSeenAt: host.lastSeenAt.toISOString(),
      history: hostHistory(host.id),
    })),
    sessions: sessions.map((session) => {
      const live = session.workerHostId ? reported.get(session.id) : undefined;
      const participants = counts?.get(session.roomName);
      return {
        id: session.id,
        avatarName: session.avatar.name,
        room: session.roomName,
        status: session.status as 'starting' | 'live',
        hostState: live?.state ?? null,
        hostId: session.workerHostId,
        // The avatar is a participant once its host runs the session.
        viewers:
          counts === null
            ? null
            : Math.max(0, (participants ?? 0) - (live?.state === 'running' ? 1 : 0)),
        fps: live?.fps ?? session.fps,
        cpuPercent: live?.cpuPercent ?? null,
        rssMb: live?.rssMb ?? null,
        pssMb: live?.pssMb ?? null,
        degraded: live?.quality?.degraded ?? false,
        uptimeS: Math.max(0, Math.round((now.getTime() - session.createdAt.getTime()) / 1000)),
        restarts: session.restarts,
        renderer: session.renderer,
      };
    }),
  };
}
