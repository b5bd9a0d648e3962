import type { PrismaClient } from '@prisma/client';
import { findInviteProblem } from './invite-problem';
import { INVITE_REQUIRED_MESSAGE, REGISTRATION_CLOSED_MESSAGE } from './register-user';
import { getRegistrationMode, type RegistrationMode } from './registration-mode';

export interface RegistrationStatus {
  mode: RegistrationMode;
  /** Whether the form can succeed for this visitor (with the invite they hold, if any). */
  canRegister: boolean;
  /** What to tell the visitor: why they cannot register, or that they were invited. */
  message: string | null;
}

/** What the register page shows, for a visitor holding `invite` (the link's secret) or not. */
export async function registrationStatus(
  prisma: PrismaClient,
  options: { invite?: string; now?: Date } = {},
): Promise<RegistrationStatus> {
  const mode = await getRegistrationMode(prisma);
  // The first account may always register (it becomes the admin).
  if ((await prisma.user.count()) === 0) {
    return {
      mode,
      canRegister: true,
      message: 'The first account of this Facecast becomes its admin.',
    };
  }
  if (mode === 'open') return { mode, canRegister: true, message: null };
  if (mode === 'closed') return { mode, canRegister: false, message: REGISTRATION_CLOSED_MESSAGE };
  if (!options.invite) return { mode, canRegister: false, message: INVITE_REQUIRED_MESSAGE };
  const problem = await findInviteProblem(prisma, options.invite, options.now);
  return problem
    ? { mode, canRegister: false, message: problem }
    : { mode, canRegister: true, message: 'You were invited: create your account below.' };
}
