import { Prisma } from '@prisma/client';

/**
 * Whether a write failed on a unique constraint. Prisma reports P2002 with adapters that
 * translate errors; pglite-prisma-adapter 0.6.1 passes the raw Postgres code (23505) through.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return true;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return cause?.code === '23505';
}
