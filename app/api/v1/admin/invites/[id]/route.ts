import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { deleteInvite } from '@/lib/registration/delete-invite';

/** DELETE /api/v1/admin/invites/:id → 204: the link stops working. Admins only. */
export const DELETE = withAuth<{ id: string }>({ scope: 'admin' }, async ({ params }) => {
  await deleteInvite(await db(), { id: params.id });
  return new Response(null, { status: 204 });
});
