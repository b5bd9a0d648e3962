import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '@/lib/api/errors';
import { sourcePath } from '@/lib/avatars/avatar-files';
import { ACCEPTED_MEDIA, type MediaType } from '@/lib/avatars/sniff-media';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';

/**
 * GET /api/v1/avatars/:id/image → the poster (PNG: the prepared frame, frame 0 of a video),
 * or the uploaded image while it is being prepared; 404 for a video not prepared yet.
 */
export const GET = withAuth<{ id: string }>({ scope: 'read' }, async ({ user, params }) => {
  const prisma = await db();
  const avatar = await prisma.avatar.findFirst({ where: { id: params.id, userId: user.id } });
  if (!avatar) throw notFound('Avatar');
  const dataDir = env().FACECAST_DATA_DIR;
  const media = ACCEPTED_MEDIA[avatar.sourceType as MediaType] ?? ACCEPTED_MEDIA['image/jpeg'];
  let file: string;
  let contentType: string;
  if (avatar.framePath)
    [file, contentType] = [path.resolve(dataDir, avatar.framePath), 'image/png'];
  else if (media.kind === 'image') {
    [file, contentType] = [sourcePath(dataDir, avatar.id, media.extension), avatar.sourceType];
  } else throw notFound('Avatar poster (the video is still being prepared)');
  const bytes = await readFile(file).catch(() => null);
  if (!bytes) throw notFound('Avatar image');
  return new Response(new Uint8Array(bytes), {
    headers: { 'content-type': contentType, 'cache-control': 'private, max-age=60' },
  });
});
