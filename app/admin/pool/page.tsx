import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireUser } from '../../_components/require-user';
import { PoolDashboard } from './pool-dashboard';

export const metadata: Metadata = { title: 'Worker pool · Facecast' };

/** Admins only; for anyone else the page does not exist. */
export default async function PoolPage() {
  const user = await requireUser('/admin/pool');
  if (!user.isAdmin) notFound();
  return <PoolDashboard />;
}
