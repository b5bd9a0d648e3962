import { adminUserView } from '@/lib/admin/admin-user-view';
import { updateUser } from '@/lib/admin/update-user';
import { userFigures } from '@/lib/admin/user-figures';
import { readJson } from '@/lib/api/errors';
import { actorOf, recordAudit } from '@/lib/audit/record-audit';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { updatedUserSchema, updateUserSchema } from './user.types';
import { json } from '@/lib/api/respond';

/**
 * PATCH /api/v1/admin/users/:id {role?, disabled?, maxConcurrentSessions?, monthlySessionMinutes?}
 * → the user, with `stoppedSessions` (ids of the sessions disabling ended). 409 when an
 * admin would disable or demote themselves or the last admin. Admins only (404 otherwise).
 */
export const PATCH = withAuth<{ id: string }>(
  { scope: 'admin' },
  async ({ request, user, params, caller }) => {
    const changes = updateUserSchema.parse(await readJson(request));
    const prisma = await db();
    const updated = await updateUser(prisma, { actorId: user.id, userId: params.id, changes });
    await recordAudit(prisma, {
      actor: actorOf(caller),
      action: 'user.updated',
      target: { type: 'user', id: params.id },
      headers: request.headers,
      details: { ...changes, email: updated.user.email },
    });
    const figures = await userFigures(prisma, [params.id]);
    return json(updatedUserSchema, {
      ...adminUserView(
        updated.user,
        figures.get(params.id) ?? { sessions: 0, minutesThisMonth: 0 },
      ),
      stoppedSessions: updated.stoppedSessionIds,
    });
  },
);
