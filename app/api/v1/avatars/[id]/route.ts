import { notFound, readJson } from '@/lib/api/errors';
import { actorOf, recordAudit } from '@/lib/audit/record-audit';
import { updateAvatarSettings } from '@/lib/avatars/avatar-settings';
import { avatarView } from '@/lib/avatars/avatar-view';
import { deleteAvatar } from '@/lib/avatars/delete-avatar';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { outboundPolicyFor } from '@/lib/providers/outbound-policy';
import { json } from '@/lib/api/respond';
import { avatarSchema, avatarSettingsSchema } from './avatar.types';

type Params = { id: string };

/** GET /api/v1/avatars/:id → the avatar with its speech settings (`hasApiKey`, never the key) */
export const GET = withAuth<Params>({ scope: 'read' }, async ({ user, params }) => {
  const prisma = await db();
  const avatar = await prisma.avatar.findFirst({ where: { id: params.id, userId: user.id } });
  if (!avatar) throw notFound('Avatar');
  return json(avatarSchema, avatarView(avatar));
});

/**
 * PATCH /api/v1/avatars/:id {name?, voice?, speechRate?, ttsProvider?, tts?: {baseUrl?,
 * model?, voice?, apiKey?}} → the avatar (next sessions use it). `apiKey` is write-only.
 */
export const PATCH = withAuth<Params>({ scope: 'avatars' }, async ({ request, user, params }) => {
  const changes = avatarSettingsSchema.parse(await readJson(request));
  const avatar = await updateAvatarSettings(await db(), {
    userId: user.id,
    avatarId: params.id,
    changes,
    appSecret: env().AUTH_SECRET,
    plugins: env().FACECAST_PLUGINS,
    outbound: outboundPolicyFor(user.isAdmin),
  });
  return json(avatarSchema, avatarView(avatar));
});

/** DELETE /api/v1/avatars/:id → 204 (ends its live sessions) */
export const DELETE = withAuth<Params>(
  { scope: 'avatars' },
  async ({ request, user, params, caller }) => {
    const prisma = await db();
    await deleteAvatar(prisma, {
      userId: user.id,
      avatarId: params.id,
      dataDir: env().FACECAST_DATA_DIR,
    });
    await recordAudit(prisma, {
      actor: actorOf(caller),
      action: 'avatar.deleted',
      target: { type: 'avatar', id: params.id },
      headers: request.headers,
    });
    return new Response(null, { status: 204 });
  },
);
