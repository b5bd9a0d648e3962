import type { PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { createUser } from '@/lib/users/create-user';
import { claimInvite } from './claim-invite';
import { getRegistrationMode } from './registration-mode';

export const REGISTRATION_CLOSED_MESSAGE =
  'Registration is closed on this Facecast: no one can create an account, not even with an invite. Ask an admin if you need one.';
export const INVITE_REQUIRED_MESSAGE =
  'Registration on this Facecast needs an invite: ask an admin for an invite link and open it.';

/**
 * Self-service registration (POST /api/register) under the current registration mode. The
 * first account of an installation may always register and becomes the admin; after that
 * `invite` needs an unused, unexpired invite secret (used up by this registration) and
 * `closed` refuses everyone. In `open` mode an invite is not needed and not used up.
 */
export async function registerUser(
  prisma: PrismaClient,
  options: { email: string; password: string; invite?: string; now?: Date },
) {
  return createUser(prisma, {
    email: options.email,
    password: options.password,
    admit: async (tx, { email, isFirst }) => {
      if (isFirst) return;
      const mode = await getRegistrationMode(tx);
      if (mode === 'closed') throw new ApiError('forbidden', REGISTRATION_CLOSED_MESSAGE);
      if (mode === 'open') return;
      if (!options.invite) throw new ApiError('forbidden', INVITE_REQUIRED_MESSAGE);
      await claimInvite(tx, { secret: options.invite, email, now: options.now });
    },
  });
}
