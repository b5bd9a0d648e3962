import { getServerSession } from 'next-auth';
import { db } from '@/lib/db/db';
import { authOptions, type SessionUser } from './auth-options';

/** The logged-in user of this request (from the session cookie), or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  if (!session?.user.id) return null;
  // The account may have been deleted since the cookie was issued.
  const prisma = await db();
  return prisma.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true, isAdmin: true },
  });
}
