/**
 * The delivery log is not kept forever: finished deliveries (delivered or failed) older than
 * DELIVERY_RETENTION_MS are deleted with their attempts. Pending ones stay until they finish.
 */
import type { PrismaClient } from '@prisma/client';

/** How long finished deliveries stay in the log, ms (30 days). */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;

/** Deletes finished deliveries created before `now` − 30 days; resolves with how many. */
export async function pruneDeliveries(prisma: PrismaClient, now: Date): Promise<number> {
  const { count } = await prisma.webhookDelivery.deleteMany({
    where: {
      status: { in: ['delivered', 'failed'] },
      createdAt: { lt: new Date(now.getTime() - DELIVERY_RETENTION_MS) },
    },
  });
  return count;
}
