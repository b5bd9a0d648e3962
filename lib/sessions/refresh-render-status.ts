import type { PrismaClient, Session } from '@prisma/client';
import { workerSessionStatus } from './worker-client';

/**
 * Asks the worker which renderer a live session uses now (a lip-sync model that cannot keep
 * up is replaced mid-session) and stores the answer; other sessions are returned as they are.
 */
export async function refreshRenderStatus(
  prisma: PrismaClient,
  session: Session,
): Promise<Session> {
  if (session.status !== 'live') return session;
  const render = await workerSessionStatus(session.id);
  if (!render) return session;
  const notice = render.notice ?? null;
  if (render.renderer === session.renderer && notice === session.notice) return session;
  return prisma.session.update({
    where: { id: session.id },
    data: { renderer: render.renderer, notice },
  });
}
