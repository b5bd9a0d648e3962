import type { Metadata } from 'next';
import { requireAdmin } from '../require-admin';
import { UsersAdmin } from './users-admin';

export const metadata: Metadata = { title: 'Users · Admin · Facecast' };

/** Users: search, role, disable, quota overrides. Admins only (404 otherwise). */
export default async function AdminUsersPage() {
  const admin = await requireAdmin('/admin/users');
  return <UsersAdmin currentUserId={admin.id} />;
}
