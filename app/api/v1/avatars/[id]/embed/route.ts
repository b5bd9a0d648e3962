import { readJson } from '@/lib/api/errors';
import { json } from '@/lib/api/respond';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { deleteEmbed, getEmbed, putEmbed } from '@/lib/embeds/embed-settings';
import { embedInputSchema, embedViewSchema } from './embed.types';

type Params = { id: string };

/** GET /api/v1/avatars/:id/embed → the widget settings with the snippet; 404 when off. */
export const GET = withAuth<Params>({ scope: 'read' }, async ({ user, params }) =>
  json(embedViewSchema, await getEmbed(await db(), { userId: user.id, avatarId: params.id })),
);

/**
 * PUT /api/v1/avatars/:id/embed {allowedOrigins, greeting?, mode?, theme?, position?,
 * launcherLabel?, microphone?, allowSay?, maxSessions?, maxMinutes?, rotateSecret?} → 201
 * the first time (embedding on), else 200; 422 names a bad origin and says why.
 */
export const PUT = withAuth<Params>({ scope: 'avatars' }, async ({ request, user, params }) => {
  const input = embedInputSchema.parse(await readJson(request));
  const { view, created } = await putEmbed(await db(), {
    userId: user.id,
    avatarId: params.id,
    input,
  });
  return json(embedViewSchema, view, { status: created ? 201 : 200 });
});

/** DELETE /api/v1/avatars/:id/embed → 204: embedding off; the snippet stops working. */
export const DELETE = withAuth<Params>({ scope: 'avatars' }, async ({ user, params }) => {
  await deleteEmbed(await db(), { userId: user.id, avatarId: params.id });
  return new Response(null, { status: 204 });
});
