import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { createInvite } from '@/lib/registration/create-invite';
import { listInvites } from '@/lib/registration/list-invites';
import { createdInviteSchema, createInviteSchema, inviteListSchema } from './invites.types';
import { json } from '@/lib/api/respond';

/**
 * GET /api/v1/admin/invites → {invites: [{id, note, status: unused|used|expired, createdAt,
 * expiresAt, usedAt, usedByEmail, createdByEmail}]}, newest first, never a secret. Admins only.
 */
export const GET = withAuth({ scope: 'admin' }, async () =>
  json(
    inviteListSchema,
    { invites: await listInvites(await db()) },
    { headers: { 'cache-control': 'no-store' } },
  ),
);

/**
 * POST /api/v1/admin/invites {note?, expiresInDays? = 7} → 201 {id, url, expiresAt}: the url
 * holds the secret and is shown only now (only its SHA-256 is stored). Admins only.
 */
export const POST = withAuth({ scope: 'admin' }, async ({ request, user }) => {
  const body = createInviteSchema.parse(await readJson(request));
  const invite = await createInvite(await db(), { createdById: user.id, ...body });
  return json(createdInviteSchema, invite, {
    status: 201,
    headers: { 'cache-control': 'no-store' },
  });
});
