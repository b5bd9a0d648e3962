import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { hashPassword, PASSWORD_MIN_LENGTH } from '@/lib/auth/password';
import { isUniqueViolation } from '@/lib/db/errors';

export const credentialsSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .email('Enter a valid email address, like name@example.com.'),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
    .max(200, 'Use at most 200 characters.'),
});

export interface CreateUserOptions {
  email: string;
  password: string;
  /** Force admin; by default only the very first account becomes an admin. */
  isAdmin?: boolean;
  /**
   * Runs inside the creating transaction, before the account is written (registration mode
   * and invite checks, lib/registration/register-user.ts): throw to refuse. Whatever it
   * wrote is rolled back if the account cannot be created (e.g. the email is taken).
   */
  admit?: (
    tx: Prisma.TransactionClient,
    context: { email: string; isFirst: boolean },
  ) => Promise<void>;
}

/** pg_advisory_xact_lock key held while deciding whether an account is the first. */
const FIRST_ACCOUNT_LOCK = 727_280;

/** Creates an account. The first account of an installation is an admin. */
export async function createUser(prisma: PrismaClient, options: CreateUserOptions) {
  const { email, password } = credentialsSchema.parse(options);
  const passwordHash = await hashPassword(password);
  try {
    return await prisma.$transaction(async (tx) => {
      let isFirst = (await tx.user.count()) === 0;
      if (isFirst) {
        // Two first registrations at once must not both become admin: the second waits for
        // the first to commit, then counts again.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK}::int)`;
        isFirst = (await tx.user.count()) === 0;
      }
      await options.admit?.(tx, { email, isFirst });
      return tx.user.create({
        data: { email, passwordHash, isAdmin: options.isAdmin ?? isFirst },
        select: { id: true, email: true, isAdmin: true },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ApiError('conflict', 'An account with this email already exists. Log in instead.');
    }
    throw error;
  }
}
