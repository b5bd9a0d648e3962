/**
 * Leases in the database: one app instance at a time does a job (the booking scheduler), and
 * another takes over when the holder stops renewing (it crashed, or was stopped). One atomic
 * statement takes or renews a lease, so two instances never both hold it.
 */
import type { PrismaClient } from '@prisma/client';

/**
 * Takes the lease `name` for `holder` until `now + ttlMs`, or renews it; true when `holder`
 * holds it afterwards. Someone else's unexpired lease is left alone (false).
 */
export async function acquireLease(
  prisma: PrismaClient,
  options: { name: string; holder: string; ttlMs: number; now?: Date },
): Promise<boolean> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + options.ttlMs);
  const rows = await prisma.$queryRaw<{ holder: string }[]>`
    INSERT INTO "Lease" ("name", "holder", "expiresAt")
    VALUES (${options.name}, ${options.holder}, ${expiresAt})
    ON CONFLICT ("name") DO UPDATE
      SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt"
      WHERE "Lease"."holder" = EXCLUDED."holder" OR "Lease"."expiresAt" < ${now}
    RETURNING "holder"`;
  return rows.length === 1 && rows[0]?.holder === options.holder;
}

/** Gives the lease up at once (on shutdown), if `holder` has it. */
export async function releaseLease(
  prisma: PrismaClient,
  options: { name: string; holder: string },
): Promise<void> {
  await prisma.lease.deleteMany({ where: { name: options.name, holder: options.holder } });
}
