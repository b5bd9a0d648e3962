import { getServerSession } from 'next-auth';
import { db } from '@/lib/db/db';
import { authOptions, type SessionUser } from './auth-options';
import { isCurrentSession } from './session-version';

/**
 * The account behind this request's login cookie, disabled or not, or null. Only for
 * resolveCaller (lib/auth/with-auth.ts), which refuses a disabled one with a clear 403.
 */
export async function cookieUser(): Promise<(SessionUser & { disabledAt: Date | null }) | null> {
  const session = await getServerSession(authOptions());
  if (!session?.user.id) return null;
  // The account may have been deleted, disabled or demoted since the cookie was issued:
  // the database, not the cookie, says who the user is now.
  // A password change or "log out everywhere" since then ended this login.
  const prisma = await db();
  const user = await prisma.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true, isAdmin: true, disabledAt: true, sessionVersion: true },
  });
  if (!user || !isCurrentSession(session.sessionVersion, user.sessionVersion)) return null;
  return { id: user.id, email: user.email, isAdmin: user.isAdmin, disabledAt: user.disabledAt };
}

/**
 * The logged-in user of this request (from the session cookie), or null: also null for a
 * disabled account, so pages treat it as logged out and send it to the login form, which
 * says the account is disabled.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const user = await cookieUser();
  if (!user || user.disabledAt !== null) return null;
  return { id: user.id, email: user.email, isAdmin: user.isAdmin };
}
