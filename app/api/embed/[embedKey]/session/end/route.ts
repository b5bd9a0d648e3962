import { z } from 'zod';
import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { endWidgetSession, findEmbed } from '@/lib/embeds/widget-session';

const endSchema = z.object({ token: z.string().min(1).max(4_000) });

/**
 * POST /api/embed/:embedKey/session/end {token} → 204: the visitor closed the widget, so their
 * conversation ends. The token is in the body because the frame also sends it with
 * `navigator.sendBeacon` when the page goes away (a beacon cannot set headers).
 */
export const POST = withErrors<{ embedKey: string }>(async ({ request, params }) => {
  const { token } = endSchema.parse(await readJson(request, 8_192));
  const prisma = await db();
  const embed = await findEmbed(prisma, params.embedKey);
  await endWidgetSession(prisma, { embedId: embed.id, token });
  return new Response(null, { status: 204 });
});
