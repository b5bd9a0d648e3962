import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from '@/lib/auth/password';

export const changePasswordSchema = z.object({
  currentPassword: z.string({ required_error: 'currentPassword is required' }).min(1),
  newPassword: z
    .string({ required_error: 'newPassword is required' })
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
    .max(200, 'Use at most 200 characters.'),
});

/**
 * Changes a user's password after checking the current one, and ends every login made with
 * the old one (the session version rises). Returns the new session version.
 */
export async function changePassword(
  prisma: PrismaClient,
  options: { userId: string } & z.infer<typeof changePasswordSchema>,
): Promise<number> {
  const user = await prisma.user.findUnique({ where: { id: options.userId } });
  if (!user || !(await verifyPassword(user.passwordHash, options.currentPassword))) {
    throw new ApiError('unprocessable', 'The current password is not correct.');
  }
  const updated = await prisma.user.update({
    where: { id: user.id },
    data: {
      passwordHash: await hashPassword(options.newPassword),
      sessionVersion: { increment: 1 },
    },
    select: { sessionVersion: true },
  });
  return updated.sessionVersion;
}
