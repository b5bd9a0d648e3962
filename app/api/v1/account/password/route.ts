import { readJson } from '@/lib/api/errors';
import { actorOf, recordAudit } from '@/lib/audit/record-audit';
import { renewedLoginCookie } from '@/lib/auth/session-version';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { changePassword } from '@/lib/users/change-password';
import { changePasswordSchema } from './password.types';

/**
 * PUT /api/v1/account/password {currentPassword, newPassword} → 204. Every other login of the
 * account ends; a browser changing it with its login cookie gets a renewed cookie and stays in.
 */
export const PUT = withAuth(
  { scope: ['read', 'sessions', 'avatars'] },
  async ({ request, user, caller }) => {
    const body = changePasswordSchema.parse(await readJson(request));
    const prisma = await db();
    const sessionVersion = await changePassword(prisma, { userId: user.id, ...body });
    await recordAudit(prisma, {
      actor: actorOf(caller),
      action: 'password.changed',
      target: { type: 'user', id: user.id },
      headers: request.headers,
    });
    const cookie = caller.apiKey ? null : await renewedLoginCookie(request, sessionVersion);
    return new Response(null, { status: 204, headers: cookie ? { 'set-cookie': cookie } : {} });
  },
);
