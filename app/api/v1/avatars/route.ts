import { ApiError } from '@/lib/api/errors';
import { avatarView } from '@/lib/avatars/avatar-view';
import { createAvatar } from '@/lib/avatars/create-avatar';
import { tooLarge } from '@/lib/avatars/validate-image';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';

function optionalField(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** GET /api/v1/avatars → {avatars: [...]} newest first. */
export const GET = withAuth(async ({ user }) => {
  const prisma = await db();
  const avatars = await prisma.avatar.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
  });
  return Response.json({ avatars: avatars.map(avatarView) });
});

/** POST /api/v1/avatars (multipart: name, image, voice?, speechRate?) → 201 {id, name, status, …} */
export const POST = withAuth(async ({ request, user }) => {
  const maxBytes = env().MAX_UPLOAD_MB * 1024 * 1024;
  // Refuse oversized bodies before reading them (16 KiB allows for the multipart framing).
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes + 16 * 1024) throw tooLarge(maxBytes);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new ApiError(
      'bad_request',
      'Send the avatar as multipart/form-data with fields "name" and "image".',
    );
  }
  const image = form.get('image');
  if (!(image instanceof Blob)) {
    throw new ApiError('unprocessable', 'Missing "image": attach a JPEG, PNG or WebP portrait.');
  }
  if (image.size > maxBytes) throw tooLarge(maxBytes);
  const avatar = await createAvatar(await db(), {
    userId: user.id,
    name: typeof form.get('name') === 'string' ? (form.get('name') as string) : '',
    image: new Uint8Array(await image.arrayBuffer()),
    voice: optionalField(form, 'voice'),
    speechRate: optionalField(form, 'speechRate'),
    dataDir: env().FACECAST_DATA_DIR,
    maxBytes,
  });
  return Response.json(avatarView(avatar), { status: 201 });
});
