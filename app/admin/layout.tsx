import type { ReactNode } from 'react';
import { currentUser } from '@/lib/auth/current-user';
import { AdminNav } from './admin-nav';

/**
 * The admin area's navigation, for admins. Each page guards itself (a 404 for anyone else,
 * like the pool page): a layout is not re-run on every navigation, so it is no guard.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <>
      {user?.isAdmin && <AdminNav />}
      {children}
    </>
  );
}
