import { readJson } from '@/lib/api/errors';
import { actorOf, recordAudit } from '@/lib/audit/record-audit';
import { knownScopes } from '@/lib/auth/api-key-scopes';
import { isExpired, issueApiKey } from '@/lib/auth/api-keys';
import { grantorOf, withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { json } from '@/lib/api/respond';
import { apiKeyListSchema, createApiKeySchema, createdApiKeySchema } from './api-keys.types';

/** GET /api/v1/api-keys → {apiKeys: [{id, name, prefix, scopes, expiresAt, expired, …}]} */
export const GET = withAuth({ scope: 'read' }, async ({ user }) => {
  const prisma = await db();
  const keys = await prisma.apiKey.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      name: true,
      prefix: true,
      createdAt: true,
      lastUsedAt: true,
      scopes: true,
      expiresAt: true,
    },
  });
  const now = new Date();
  return json(apiKeyListSchema, {
    apiKeys: keys.map((k) => ({
      ...k,
      scopes: knownScopes(k.scopes),
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      expiresAt: k.expiresAt?.toISOString() ?? null,
      expired: isExpired(k, now),
    })),
  });
});

/**
 * POST /api/v1/api-keys {name, scopes?, expiresAt?} → 201 {id, name, prefix, key, scopes,
 * expiresAt} (the key is shown only once). A key may grant only scopes it holds and no later
 * expiry than its own (lib/auth/api-keys.ts issueApiKey), hence scope `any` here.
 */
export const POST = withAuth({ scope: 'any' }, async ({ request, caller }) => {
  const body = createApiKeySchema.parse(await readJson(request));
  const prisma = await db();
  const created = await issueApiKey(prisma, {
    grantor: grantorOf(caller),
    name: body.name,
    scopes: body.scopes,
    expiresAt: body.expiresAt,
  });
  await recordAudit(prisma, {
    actor: actorOf(caller),
    action: 'api_key.created',
    target: { type: 'api_key', id: created.id },
    headers: request.headers,
    details: {
      name: created.name,
      prefix: created.prefix,
      scopes: created.scopes,
      expiresAt: created.expiresAt?.toISOString() ?? null,
    },
  });
  return json(
    createdApiKeySchema,
    { ...created, expiresAt: created.expiresAt?.toISOString() ?? null },
    { status: 201 },
  );
});
