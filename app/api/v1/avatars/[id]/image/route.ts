import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '@/lib/api/errors';
import { sourcePath } from '@/lib/avatars/avatar-files';
import { ACCEPTED_TYPES, type AcceptedType } from '@/lib/avatars/validate-image';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';

/** GET /api/v1/avatars/:id/image → the prepared frame (PNG), or the upload while preparing. */
export const GET = withAuth<{ id: string }>(async ({ user, params }) => {
  const prisma = await db();
  const avatar = await prisma.avatar.findFirst({ where: { id: params.id, userId: user.id } });
  if (!avatar) throw notFound('Avatar');
  const dataDir = env().FACECAST_DATA_DIR;
  const type = avatar.sourceType as AcceptedType;
  const [file, contentType] = avatar.framePath
    ? [path.resolve(dataDir, avatar.framePath), 'image/png']
    : [sourcePath(dataDir, avatar.id, ACCEPTED_TYPES[type]), type];
  const bytes = await readFile(file).catch(() => null);
  if (!bytes) throw notFound('Avatar image');
  return new Response(new Uint8Array(bytes), {
    headers: { 'content-type': contentType, 'cache-control': 'private, max-age=60' },
  });
});
