import { ApiError } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findEmbed, refreshWidgetToken } from '@/lib/embeds/widget-session';

/**
 * POST /api/embed/:embedKey/session/token with `Authorization: Bearer <widget token>` → a
 * fresh grant for the same visitor (the frame asks before its 10-minute token expires);
 * 409 once the conversation has ended.
 */
export const POST = withErrors<{ embedKey: string }>(async ({ request, params }) => {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token) throw new ApiError('unauthorized', 'Send "Authorization: Bearer <widget token>".');
  const prisma = await db();
  const embed = await findEmbed(prisma, params.embedKey);
  return Response.json(await refreshWidgetToken(prisma, { embed, token }), {
    headers: { 'Cache-Control': 'no-store' },
  });
});
