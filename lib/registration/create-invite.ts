import type { PrismaClient } from '@prisma/client';
import { env } from '@/lib/config/env';
import { generateInviteSecret, hashInviteSecret } from './invite-token';

export const INVITE_DEFAULT_DAYS = 7;
export const INVITE_MAX_DAYS = 90;
export const INVITE_NOTE_MAX_CHARS = 200;

export interface CreatedInvite {
  id: string;
  /** The registration link with the secret: shown to the admin once, never stored. */
  url: string;
  expiresAt: string;
}

/** Makes a single-use registration link, valid for `expiresInDays` days. */
export async function createInvite(
  prisma: PrismaClient,
  options: {
    createdById: string;
    note?: string;
    expiresInDays?: number;
    now?: Date;
    /** Base of the link; APP_URL by default. */
    appUrl?: string;
  },
): Promise<CreatedInvite> {
  const now = options.now ?? new Date();
  const secret = generateInviteSecret();
  const days = options.expiresInDays ?? INVITE_DEFAULT_DAYS;
  const invite = await prisma.invite.create({
    data: {
      tokenHash: hashInviteSecret(secret),
      note: options.note ?? '',
      createdById: options.createdById,
      expiresAt: new Date(now.getTime() + days * 24 * 3_600_000),
    },
  });
  const url = new URL('/register', options.appUrl ?? env().APP_URL);
  url.searchParams.set('invite', secret);
  return { id: invite.id, url: url.toString(), expiresAt: invite.expiresAt.toISOString() };
}
