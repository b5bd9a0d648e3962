import type { PrismaClient } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { log } from '@/lib/log/logger';
import { stopSession } from '@/lib/sessions/stop-session';
import { adminUserSelect, type UserRole } from './admin-user-view';

export interface UpdateUserChanges {
  role?: UserRole;
  disabled?: boolean;
  /** null: back to the server default. */
  maxConcurrentSessions?: number | null;
  monthlySessionMinutes?: number | null;
}

/**
 * An admin changes a user's role, enabled state or quota overrides. Admins cannot disable or
 * demote themselves (409), and the last enabled admin can be neither demoted nor disabled
 * (409): the admins' rows are locked first, so two admins demoting each other at once
 * cannot both succeed. Disabling also ends the user's running sessions (they are refused
 * from then on anyway; a running one would keep using the pool).
 *
 * @returns the updated user (admin-view fields) and the ids of the sessions it stopped
 */
export async function updateUser(
  prisma: PrismaClient,
  options: { actorId: string; userId: string; changes: UpdateUserChanges; now?: Date },
) {
  const { actorId, userId, changes } = options;
  const now = options.now ?? new Date();
  if (actorId === userId && changes.disabled === true) {
    throw new ApiError(
      'conflict',
      'You cannot disable your own account. Another admin can, if it must be.',
    );
  }
  if (actorId === userId && changes.role === 'creator') {
    throw new ApiError(
      'conflict',
      'You cannot remove your own admin role. Make another user an admin and ask them to.',
    );
  }
  const { user, newlyDisabled } = await prisma.$transaction(async (tx) => {
    // Serialises role and enabled-state changes on PostgreSQL (PGlite runs one at a time).
    await tx.$queryRaw`SELECT id FROM "User" WHERE "isAdmin" = true FOR UPDATE`;
    const target = await tx.user.findUnique({
      where: { id: userId },
      select: { isAdmin: true, disabledAt: true },
    });
    if (!target) throw notFound('User');
    const losesAdmin =
      target.isAdmin &&
      target.disabledAt === null &&
      (changes.role === 'creator' || changes.disabled === true);
    if (losesAdmin) {
      const otherAdmins = await tx.user.count({
        where: { isAdmin: true, disabledAt: null, id: { not: userId } },
      });
      if (otherAdmins === 0) {
        throw new ApiError(
          'conflict',
          'This is the last admin: make another user an admin before demoting or disabling this one.',
        );
      }
    }
    const disabledAt =
      changes.disabled === undefined
        ? undefined
        : changes.disabled
          ? (target.disabledAt ?? now)
          : null;
    const updated = await tx.user.update({
      where: { id: userId },
      data: {
        ...(changes.role !== undefined ? { isAdmin: changes.role === 'admin' } : {}),
        ...(disabledAt !== undefined ? { disabledAt } : {}),
        ...(changes.maxConcurrentSessions !== undefined
          ? { maxConcurrentSessions: changes.maxConcurrentSessions }
          : {}),
        ...(changes.monthlySessionMinutes !== undefined
          ? { monthlySessionMinutes: changes.monthlySessionMinutes }
          : {}),
      },
      select: adminUserSelect,
    });
    return {
      user: updated,
      newlyDisabled: target.disabledAt === null && changes.disabled === true,
    };
  });
  const stoppedSessionIds: string[] = [];
  if (newlyDisabled) {
    const running = await prisma.session.findMany({
      where: { userId, status: { in: ['starting', 'live'] } },
      select: { id: true },
    });
    for (const session of running) {
      await stopSession(prisma, { userId, sessionId: session.id });
      stoppedSessionIds.push(session.id);
    }
    log.info({ userId, stopped: stoppedSessionIds.length }, 'user disabled');
  }
  return { user, stoppedSessionIds };
}
