import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/auth/current-user';

/** The logged-in user, or a redirect to the login page. */
export async function requireUser(returnTo: string) {
  const user = await currentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
