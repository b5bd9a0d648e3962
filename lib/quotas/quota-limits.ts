import type { User } from '@prisma/client';
import { env } from '@/lib/config/env';

/** What a user may use: an admin's override on the user, else the FACECAST_QUOTA_* default. */
export interface QuotaLimits {
  /** Sessions (instant and booked) running at once. */
  concurrentSessions: number;
  /** Session minutes per calendar month (UTC), booked minutes included. */
  monthlyMinutes: number;
}

export function quotaLimits(
  user: Pick<User, 'maxConcurrentSessions' | 'monthlySessionMinutes'>,
): QuotaLimits {
  return {
    concurrentSessions: user.maxConcurrentSessions ?? env().FACECAST_QUOTA_CONCURRENT_SESSIONS,
    monthlyMinutes: user.monthlySessionMinutes ?? env().FACECAST_QUOTA_MONTHLY_MINUTES,
  };
}
