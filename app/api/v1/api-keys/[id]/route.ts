import { actorOf, recordAudit } from '@/lib/audit/record-audit';
import { revokeApiKey } from '@/lib/auth/api-keys';
import { grantorOf, withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';

/**
 * DELETE /api/v1/api-keys/:id → 204 (revokes the key). A key may revoke only keys whose
 * scopes it all holds (itself included), hence scope `any` here.
 */
export const DELETE = withAuth<{ id: string }>(
  { scope: 'any' },
  async ({ request, params, caller }) => {
    const prisma = await db();
    await revokeApiKey(prisma, {
      grantor: grantorOf(caller),
      id: params.id,
    });
    await recordAudit(prisma, {
      actor: actorOf(caller),
      action: 'api_key.revoked',
      target: { type: 'api_key', id: params.id },
      headers: request.headers,
    });
    return new Response(null, { status: 204 });
  },
);
