/** Waiting for an avatar's preparation in data-layer tests. */
import type { Avatar, PrismaClient } from '@prisma/client';

/** The avatar once it has left `preparing` (ready or failed); throws after `timeoutMs`. */
export async function avatarSettled(
  prisma: Pick<PrismaClient, 'avatar'>,
  id: string,
  timeoutMs = 60_000,
): Promise<Avatar> {
  for (let waited = 0; ; waited += 100) {
    const avatar = await prisma.avatar.findUniqueOrThrow({ where: { id } });
    if (avatar.status !== 'preparing') return avatar;
    if (waited >= timeoutMs) throw new Error(`avatar ${id} still preparing`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
