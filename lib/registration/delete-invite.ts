import type { PrismaClient } from '@prisma/client';
import { notFound } from '@/lib/api/errors';

/** Withdraws an invite: its link stops working (a used one just leaves the list). */
export async function deleteInvite(prisma: PrismaClient, options: { id: string }): Promise<void> {
  const deleted = await prisma.invite.deleteMany({ where: { id: options.id } });
  if (deleted.count === 0) throw notFound('Invite');
}
