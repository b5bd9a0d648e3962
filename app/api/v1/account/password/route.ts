import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { changePassword } from '@/lib/users/change-password';
import { changePasswordSchema } from './password.types';

/** PUT /api/v1/account/password {currentPassword, newPassword} → 204 */
export const PUT = withAuth(async ({ request, user }) => {
  const body = changePasswordSchema.parse(await readJson(request));
  await changePassword(await db(), { userId: user.id, ...body });
  return new Response(null, { status: 204 });
});
