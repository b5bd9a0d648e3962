import { z } from 'zod';
import { readJson } from '@/lib/api/errors';
import { createApiKey } from '@/lib/auth/api-keys';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';

const createSchema = z.object({
  name: z.string().trim().min(1, 'Name the key (e.g. "CI" or "my-app")').max(80),
});

/** GET /api/v1/api-keys → {apiKeys: [{id, name, prefix, createdAt, lastUsedAt}]} */
export const GET = withAuth(async ({ user }) => {
  const prisma = await db();
  const keys = await prisma.apiKey.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true },
  });
  return Response.json({ apiKeys: keys });
});

/** POST /api/v1/api-keys {name} → 201 {id, name, prefix, key} (the key is shown only once) */
export const POST = withAuth(async ({ request, user }) => {
  const body = createSchema.parse(await readJson(request));
  const created = await createApiKey(await db(), { userId: user.id, name: body.name });
  return Response.json(created, { status: 201 });
});
