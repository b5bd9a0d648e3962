import type { Prisma } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { findInviteProblem } from './invite-problem';
import { hashInviteSecret } from './invite-token';

/**
 * Marks the invite used by `email`, inside the registering transaction (a failed
 * registration gives the invite back). One conditional UPDATE: of two registrations racing
 * for the same invite, the second finds it used (PostgreSQL re-checks the WHERE after the
 * first one's row lock) and is refused.
 */
export async function claimInvite(
  tx: Prisma.TransactionClient,
  options: { secret: string; email: string; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  const claimed = await tx.invite.updateMany({
    where: { tokenHash: hashInviteSecret(options.secret), usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now, usedByEmail: options.email },
  });
  if (claimed.count === 1) return;
  const problem = await findInviteProblem(tx, options.secret, now);
  throw new ApiError('forbidden', problem ?? 'This invite link cannot be used.');
}
