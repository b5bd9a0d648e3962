/**
 * Security headers that depend on the request (docs/decisions/022-security-headers.md): every
 * page carries the Content-Security-Policy, with `frame-ancestors 'none'`,
 * except the widget's page `/embed/<embedKey>`, which its avatar's allowed sites may frame.
 * Runs in the Node.js runtime (stable in Next.js 15.5) because it reads the embed's allowlist
 * from the database. The static headers (nosniff, Referrer-Policy) are in next.config.js;
 * Strict-Transport-Security is sent when APP_URL is https (strict-transport-security.ts).
 */
import { type NextRequest, NextResponse } from 'next/server';
import { env } from '@/lib/config/env';
import { frameAncestorsForEmbed } from '@/lib/embeds/frame-ancestors';
import { contentSecurityPolicy } from '@/lib/security/content-security-policy';
import { strictTransportSecurity } from '@/lib/security/strict-transport-security';

export const config = {
  runtime: 'nodejs',
  // Pages only. Not Next.js's hashed build files (never framed, never change), and not the
  // API: its answers get a fixed policy from next.config.js, and request bodies (uploads up
  // to hundreds of MB) then go straight to their handlers instead of through the middleware.
  matcher: ['/((?!api/|_next/static|_next/image).*)'],
};

const EMBED_PAGE = /^\/embed\/([^/]+)\/?$/;

/** Tells the root layout to leave the site's header off the widget's page (a frame). */
const PAGE_KIND_HEADER = 'x-facecast-page';

export async function middleware(request: NextRequest): Promise<NextResponse> {
  const embedKey = EMBED_PAGE.exec(request.nextUrl.pathname)?.[1];
  const headers = new Headers(request.headers);
  headers.set(PAGE_KIND_HEADER, embedKey ? 'embed' : 'site');
  const response = NextResponse.next({ request: { headers } });
  let frameAncestors: string[] = [];
  if (embedKey) {
    // A database that does not answer leaves the page unframeable, never open.
    frameAncestors = await frameAncestorsForEmbed(embedKey).catch(() => []);
  }
  response.headers.set(
    'Content-Security-Policy',
    contentSecurityPolicy({
      livekitUrl: env().LIVEKIT_URL,
      frameAncestors,
      dev: process.env.NODE_ENV === 'development',
    }),
  );
  const hsts = strictTransportSecurity(env().APP_URL);
  if (hsts) response.headers.set('Strict-Transport-Security', hsts);
  return response;
}
