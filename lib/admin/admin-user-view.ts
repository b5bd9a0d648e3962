import type { User } from '@prisma/client';

export type UserRole = 'admin' | 'creator';

/** A user as the admin API and pages show them. */
export interface AdminUserView {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  disabled: boolean;
  /** ISO 8601; null while enabled. */
  disabledAt: string | null;
  /** Admin overrides; null: the server default (FACECAST_QUOTA_*). */
  maxConcurrentSessions: number | null;
  monthlySessionMinutes: number | null;
  /** Sessions ever started. */
  sessions: number;
  /** Minutes of sessions live this UTC calendar month (one decimal). */
  minutesThisMonth: number;
  createdAt: string;
}

export type AdminUserRow = Pick<
  User,
  | 'id'
  | 'email'
  | 'name'
  | 'isAdmin'
  | 'disabledAt'
  | 'maxConcurrentSessions'
  | 'monthlySessionMinutes'
  | 'createdAt'
>;

export const adminUserSelect = {
  id: true,
  email: true,
  name: true,
  isAdmin: true,
  disabledAt: true,
  maxConcurrentSessions: true,
  monthlySessionMinutes: true,
  createdAt: true,
} as const;

export function adminUserView(
  user: AdminUserRow,
  figures: { sessions: number; minutesThisMonth: number },
): AdminUserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.isAdmin ? 'admin' : 'creator',
    disabled: user.disabledAt !== null,
    disabledAt: user.disabledAt?.toISOString() ?? null,
    maxConcurrentSessions: user.maxConcurrentSessions,
    monthlySessionMinutes: user.monthlySessionMinutes,
    sessions: figures.sessions,
    minutesThisMonth: figures.minutesThisMonth,
    createdAt: user.createdAt.toISOString(),
  };
}
