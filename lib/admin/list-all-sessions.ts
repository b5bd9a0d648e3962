import type { PrismaClient, Session } from '@prisma/client';
import { meteredSpan, toMinutes } from './metered-span';

export const SESSIONS_PAGE_SIZE = 50;

/** A session of any user, as the admin API and page list it. */
export interface AdminSessionView {
  id: string;
  room: string;
  status: Session['status'];
  error: string | null;
  userId: string;
  ownerEmail: string;
  avatarId: string;
  avatarName: string;
  bookingId: string | null;
  createdAt: string;
  liveAt: string | null;
  endedAt: string | null;
  /** Minutes live so far (one decimal); 0 when it never went live. */
  minutes: number;
  viewersJoined: number;
  peakViewers: number;
  speechChars: number;
}

/** One page of every user's sessions, newest first, optionally of one status. */
export async function listAllSessions(
  prisma: PrismaClient,
  options: { status?: Session['status']; page?: number; now?: Date } = {},
) {
  const now = options.now ?? new Date();
  const page = options.page ?? 1;
  const where = options.status ? { status: options.status } : {};
  const [total, rows] = await Promise.all([
    prisma.session.count({ where }),
    prisma.session.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * SESSIONS_PAGE_SIZE,
      take: SESSIONS_PAGE_SIZE,
      include: { user: { select: { email: true } }, avatar: { select: { name: true } } },
    }),
  ]);
  const sessions: AdminSessionView[] = rows.map((s) => {
    const span = meteredSpan(s, now);
    return {
      id: s.id,
      room: s.roomName,
      status: s.status,
      error: s.error,
      userId: s.userId,
      ownerEmail: s.user.email,
      avatarId: s.avatarId,
      avatarName: s.avatar.name,
      bookingId: s.bookingId,
      createdAt: s.createdAt.toISOString(),
      liveAt: s.liveAt?.toISOString() ?? null,
      endedAt: s.endedAt?.toISOString() ?? null,
      minutes: span ? toMinutes(span.endMs - span.startMs) : 0,
      viewersJoined: s.viewersJoined,
      peakViewers: s.peakViewers,
      speechChars: s.speechChars,
    };
  });
  return { sessions, page, pageSize: SESSIONS_PAGE_SIZE, total };
}
