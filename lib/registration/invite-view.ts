import type { Invite } from '@prisma/client';

export type InviteStatus = 'unused' | 'used' | 'expired';

/** An invite as the admin API lists it: never the secret (only its hash is stored). */
export interface InviteView {
  id: string;
  note: string;
  status: InviteStatus;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedByEmail: string | null;
  createdByEmail: string;
}

export function inviteStatus(
  invite: Pick<Invite, 'usedAt' | 'expiresAt'>,
  now: Date,
): InviteStatus {
  if (invite.usedAt) return 'used';
  return invite.expiresAt <= now ? 'expired' : 'unused';
}

export function inviteView(
  invite: Invite & { createdBy: { email: string } },
  now = new Date(),
): InviteView {
  return {
    id: invite.id,
    note: invite.note,
    status: inviteStatus(invite, now),
    createdAt: invite.createdAt.toISOString(),
    expiresAt: invite.expiresAt.toISOString(),
    usedAt: invite.usedAt?.toISOString() ?? null,
    usedByEmail: invite.usedByEmail,
    createdByEmail: invite.createdBy.email,
  };
}
