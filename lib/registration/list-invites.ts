import type { PrismaClient } from '@prisma/client';
import { inviteView, type InviteView } from './invite-view';

/** Most invites one list shows, newest first. */
export const INVITE_LIST_LIMIT = 200;

/** Every admin's invites, newest first, without secrets. */
export async function listInvites(prisma: PrismaClient, now = new Date()): Promise<InviteView[]> {
  const invites = await prisma.invite.findMany({
    orderBy: { createdAt: 'desc' },
    take: INVITE_LIST_LIMIT,
    include: { createdBy: { select: { email: true } } },
  });
  return invites.map((invite) => inviteView(invite, now));
}
