import type { Invite, Prisma, PrismaClient } from '@prisma/client';
import { hashInviteSecret } from './invite-token';

/**
 * Why an invite secret cannot be used now, in words for the person holding the link; null
 * when it can. The register page says it before the form is filled in, registration when it
 * refuses.
 */
export function inviteProblem(
  invite: Pick<Invite, 'usedAt' | 'expiresAt'> | null,
  now: Date,
): string | null {
  const why = !invite
    ? 'it is not a valid invite (it may have been withdrawn)'
    : invite.usedAt
      ? 'it has already been used'
      : invite.expiresAt <= now
        ? 'it has expired'
        : null;
  return why
    ? `This invite link cannot be used: ${why}. Ask an admin of this Facecast for a new one.`
    : null;
}

/** inviteProblem for a secret, read from the database. */
export async function findInviteProblem(
  prisma: PrismaClient | Prisma.TransactionClient,
  secret: string,
  now = new Date(),
): Promise<string | null> {
  const invite = await prisma.invite.findUnique({
    where: { tokenHash: hashInviteSecret(secret) },
    select: { usedAt: true, expiresAt: true },
  });
  return inviteProblem(invite, now);
}
