import { notFound } from 'next/navigation';
import { requireUser } from '../_components/require-user';

/** The logged-in admin; a login redirect for visitors, 404 for everyone else. */
export async function requireAdmin(returnTo: string) {
  const user = await requireUser(returnTo);
  if (!user.isAdmin) notFound();
  return user;
}
