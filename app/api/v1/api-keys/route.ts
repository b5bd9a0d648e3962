import { readJson } from '@/lib/api/errors';
import { createApiKey } from '@/lib/auth/api-keys';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { json } from '@/lib/api/respond';
import { apiKeyListSchema, createApiKeySchema, createdApiKeySchema } from './api-keys.types';

/** GET /api/v1/api-keys → {apiKeys: [{id, name, prefix, createdAt, lastUsedAt}]} */
export const GET = withAuth(async ({ user }) => {
  const prisma = await db();
  const keys = await prisma.apiKey.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true },
  });
  return json(apiKeyListSchema, {
    apiKeys: keys.map((k) => ({
      ...k,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    })),
  });
});

/** POST /api/v1/api-keys {name} → 201 {id, name, prefix, key} (the key is shown only once) */
export const POST = withAuth(async ({ request, user }) => {
  const body = createApiKeySchema.parse(await readJson(request));
  const created = await createApiKey(await db(), { userId: user.id, name: body.name });
  return json(createdApiKeySchema, created, { status: 201 });
});
