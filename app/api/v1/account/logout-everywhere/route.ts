import { actorOf, recordAudit } from '@/lib/audit/record-audit';
import { clearedLoginCookie, endAllLogins } from '@/lib/auth/session-version';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';

/** POST /api/v1/account/logout-everywhere → 204; every login cookie of the account ends. */
export const POST = withAuth(
  { scope: ['read', 'sessions', 'avatars'] },
  async ({ request, user, caller }) => {
    const prisma = await db();
    await endAllLogins(prisma, user.id);
    await recordAudit(prisma, {
      actor: actorOf(caller),
      action: 'logins.ended',
      target: { type: 'user', id: user.id },
      headers: request.headers,
    });
    return new Response(null, { status: 204, headers: { 'set-cookie': clearedLoginCookie() } });
  },
);
