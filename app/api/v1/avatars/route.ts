import { ApiError, readForm } from '@/lib/api/errors';
import { avatarView } from '@/lib/avatars/avatar-view';
import { createAvatar } from '@/lib/avatars/create-avatar';
import { MAX_VIDEO_BYTES, uploadTooLarge } from '@/lib/avatars/validate-upload';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { json } from '@/lib/api/respond';
import { avatarListSchema, avatarSchema } from './avatars.types';

/** Multipart fields that may carry the upload; the file's bytes decide image or video. */
const FILE_FIELDS = ['file', 'image', 'video'] as const;

function optionalField(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** GET /api/v1/avatars → {avatars: [...]} newest first. */
export const GET = withAuth({ scope: 'read' }, async ({ user }) => {
  const prisma = await db();
  const avatars = await prisma.avatar.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
  });
  return json(avatarListSchema, { avatars: avatars.map(avatarView) });
});

/**
 * POST /api/v1/avatars (multipart: name, file | image | video, framing?, voice?, speechRate?)
 * → 201 {id, name, status: 'preparing', progress, …}
 */
export const POST = withAuth({ scope: 'avatars' }, async ({ request, user }) => {
  const maxImageBytes = env().MAX_UPLOAD_MB * 1024 * 1024;
  const maxBodyBytes = Math.max(maxImageBytes, MAX_VIDEO_BYTES);
  // Refuse oversized bodies before reading them (16 KiB allows for the multipart framing).
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBodyBytes + 16 * 1024) throw uploadTooLarge('file', maxBodyBytes);
  const form = await readForm(
    request,
    maxBodyBytes + 16 * 1024,
    () => uploadTooLarge('file', maxBodyBytes),
    'Send the avatar as multipart/form-data with fields "name" and "file" (a portrait image or a video).',
  );
  const files = FILE_FIELDS.flatMap((field) => {
    const value = form.get(field);
    return value instanceof Blob ? [value] : [];
  });
  const [file] = files;
  if (!file) {
    throw new ApiError(
      'unprocessable',
      'Missing "file" (or "image"/"video"): attach a JPEG, PNG or WebP portrait, or an MP4 or WebM video.',
    );
  }
  if (files.length > 1) {
    throw new ApiError(
      'unprocessable',
      'Send exactly one file, in "file" (or "image"/"video"), not several.',
    );
  }
  if (file.size > maxBodyBytes) throw uploadTooLarge('file', maxBodyBytes);
  const avatar = await createAvatar(await db(), {
    userId: user.id,
    name: typeof form.get('name') === 'string' ? (form.get('name') as string) : '',
    file: new Uint8Array(await file.arrayBuffer()),
    framing: optionalField(form, 'framing'),
    voice: optionalField(form, 'voice'),
    speechRate: optionalField(form, 'speechRate'),
    dataDir: env().FACECAST_DATA_DIR,
    maxBytes: maxImageBytes,
    maxVideoBytes: MAX_VIDEO_BYTES,
  });
  return json(avatarSchema, avatarView(avatar), { status: 201 });
});
