import { z } from 'zod';
import { errorResponse, readJson } from '@/lib/api/errors';
import { currentUser } from '@/lib/auth/current-user';
import { db } from '@/lib/db/db';
import { corsHeaders, fromAppPage, withHeaders } from '@/lib/embeds/embed-request';
import { assertEmbedOrigin, findEmbed, startWidgetSession } from '@/lib/embeds/widget-session';
import { clientIp } from '@/lib/rate-limits/client-ip';

interface Context {
  params: Promise<{ embedKey: string }>;
}

const startSchema = z.object({
  /** The page the frame is on (the frame page sends it; a site's own script need not). */
  hostOrigin: z.string().max(300).optional(),
  /** A visitor identity the site signed (HS256 with the embed's secret); ignored if invalid. */
  visitorToken: z.string().max(4_000).optional(),
});

/**
 * POST /api/embed/:embedKey/session {hostOrigin?, visitorToken?} → 201 {livekitUrl, token,
 * sessionId, identity, name, mayTalk, allowSay, kind, expiresAt, endsBy}
 * Opens the widget for one visitor (docs/widget.md). 403 unless the Origin (or, from the
 * app's frame page, hostOrigin) is allowed; 404 unknown key; 429 with Retry-After over the
 * start rate; 409 `no_capacity` when the embed's conversations are all taken.
 */
export async function POST(request: Request, context: Context): Promise<Response> {
  const { embedKey } = await context.params;
  let cors: Record<string, string> = { Vary: 'Origin' };
  try {
    const prisma = await db();
    const embed = await findEmbed(prisma, embedKey);
    cors = corsHeaders(request, embed);
    const body = startSchema.parse(await readJson(request));
    const appPage = fromAppPage(request);
    // The owner's preview (the Embed panel frames the widget on the app's own pages).
    const ownerPreview =
      appPage &&
      body.hostOrigin === request.headers.get('origin') &&
      (await currentUser())?.id === embed.avatar.userId;
    if (!ownerPreview) {
      assertEmbedOrigin(embed, {
        origin: request.headers.get('origin'),
        fromAppPage: appPage,
        hostOrigin: body.hostOrigin,
      });
    }
    const grant = await startWidgetSession(prisma, {
      embed,
      clientIp: clientIp(request.headers),
      visitorToken: body.visitorToken,
    });
    return Response.json(grant, { status: 201, headers: { ...cors, 'Cache-Control': 'no-store' } });
  } catch (error) {
    return withHeaders(errorResponse(error), cors);
  }
}

export async function OPTIONS(request: Request, context: Context): Promise<Response> {
  const { embedKey } = await context.params;
  const embed = await findEmbed(await db(), embedKey).catch(() => null);
  return new Response(null, { status: 204, headers: corsHeaders(request, embed) });
}
