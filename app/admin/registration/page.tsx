import type { Metadata } from 'next';
import { requireAdmin } from '../require-admin';
import { RegistrationAdmin } from './registration-admin';

export const metadata: Metadata = { title: 'Registration · Admin · Facecast' };

/** Who may register, and single-use invite links. Admins only (404 otherwise). */
export default async function AdminRegistrationPage() {
  await requireAdmin('/admin/registration');
  return <RegistrationAdmin />;
}
