import { errorResponse } from '@/lib/api/errors';
import { db } from '@/lib/db/db';
import { corsHeaders, withHeaders } from '@/lib/embeds/embed-request';
import { embedView } from '@/lib/embeds/embed-settings';
import { findEmbed } from '@/lib/embeds/widget-session';

interface Context {
  params: Promise<{ embedKey: string }>;
}

/**
 * GET /api/embed/:embedKey → {launcherLabel, theme, position, microphone, allowSay}: how the
 * loader (public/embed.js) draws the launcher. Public; readable by allowed sites' pages only
 * (CORS). Unknown key: 404, readable by anyone (the loader then shows the frame's 404 page).
 */
export async function GET(request: Request, context: Context): Promise<Response> {
  const { embedKey } = await context.params;
  let embed: Awaited<ReturnType<typeof findEmbed>> | null = null;
  try {
    embed = await findEmbed(await db(), embedKey);
    const view = embedView(embed);
    return Response.json(
      {
        avatarName: embed.avatar.name,
        launcherLabel: view.launcherLabel,
        theme: view.theme,
        position: view.position,
        microphone: view.microphone,
        allowSay: view.allowSay,
      },
      { headers: { ...corsHeaders(request, embed), 'Cache-Control': 'no-store' } },
    );
  } catch (error) {
    const origin = request.headers.get('origin');
    return withHeaders(
      errorResponse(error),
      embed || !origin
        ? { Vary: 'Origin' }
        : { Vary: 'Origin', 'Access-Control-Allow-Origin': origin },
    );
  }
}

export async function OPTIONS(request: Request, context: Context): Promise<Response> {
  const { embedKey } = await context.params;
  const embed = await findEmbed(await db(), embedKey).catch(() => null);
  return new Response(null, { status: 204, headers: corsHeaders(request, embed) });
}
