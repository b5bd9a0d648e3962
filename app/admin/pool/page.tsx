import type { Metadata } from 'next';
import { requireAdmin } from '../require-admin';
import { PoolDashboard } from './pool-dashboard';

export const metadata: Metadata = { title: 'Worker pool · Facecast' };

/** Admins only; for anyone else the page does not exist. */
export default async function PoolPage() {
  await requireAdmin('/admin/pool');
  return <PoolDashboard />;
}
