import type { Prisma, PrismaClient } from '@prisma/client';
import { adminUserSelect, adminUserView, type AdminUserView } from './admin-user-view';
import { userFigures } from './user-figures';

export const USERS_PAGE_SIZE = 50;

export interface UserPage {
  users: AdminUserView[];
  /** 1-based. */
  page: number;
  pageSize: number;
  /** Users matching the search, on every page. */
  total: number;
}

/**
 * One page of users, oldest account first, optionally those whose email or name contains
 * `q` (any case), with their session count and minutes this month.
 */
export async function listUsers(
  prisma: PrismaClient,
  options: { q?: string; page?: number; now?: Date } = {},
): Promise<UserPage> {
  const page = options.page ?? 1;
  const q = options.q?.trim();
  const where: Prisma.UserWhereInput = q
    ? {
        OR: [
          { email: { contains: q, mode: 'insensitive' } },
          { name: { contains: q, mode: 'insensitive' } },
        ],
      }
    : {};
  const [total, rows] = await Promise.all([
    prisma.user.count({ where }),
    prisma.user.findMany({
      where,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      skip: (page - 1) * USERS_PAGE_SIZE,
      take: USERS_PAGE_SIZE,
      select: adminUserSelect,
    }),
  ]);
  const figures = await userFigures(
    prisma,
    rows.map((r) => r.id),
    options.now,
  );
  return {
    users: rows.map((row) =>
      adminUserView(row, figures.get(row.id) ?? { sessions: 0, minutesThisMonth: 0 }),
    ),
    page,
    pageSize: USERS_PAGE_SIZE,
    total,
  };
}
