/**
 * The public widget routes' view of a request: where it comes from (a page of an allowed
 * site, or the app's own frame page) and the CORS headers a site's script needs to read the
 * answer. Only allowed origins get them; other sites' scripts cannot read anything.
 */
import type { AvatarEmbed } from '@prisma/client';
import { requestHost } from '@/lib/auth/same-origin';
import { originAllowed } from './allowed-origins';

/** Whether `Origin` is the app's own (the frame page at /embed/…). */
export function fromAppPage(request: Request): boolean {
  const origin = request.headers.get('origin');
  const host = requestHost(request);
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** CORS headers for an allowed origin (with `Vary: Origin` either way). */
export function corsHeaders(
  request: Request,
  embed: Pick<AvatarEmbed, 'allowedOrigins'> | null,
): Record<string, string> {
  const origin = request.headers.get('origin');
  if (!embed || !origin || !originAllowed(origin, embed.allowedOrigins)) return { Vary: 'Origin' };
  return {
    Vary: 'Origin',
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'content-type, authorization',
    'Access-Control-Expose-Headers': 'retry-after',
    'Access-Control-Max-Age': '600',
  };
}

/** `response` with more headers (an error answer gets the CORS headers too). */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [key, value] of Object.entries(headers)) response.headers.set(key, value);
  return response;
}
