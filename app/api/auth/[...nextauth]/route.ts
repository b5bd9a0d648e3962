import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { readBytes } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { authOptions } from '@/lib/auth/auth-options';

/** next-auth's forms (credentials, CSRF token, callback URL) are a few hundred bytes. */
const AUTH_FORM_MAX_BYTES = 64 * 1024;

interface Params {
  nextauth: string[];
}

// next-auth's handler reads the request itself; options are built lazily so `next build`
// needs no secrets. A POST body is read first, within a limit, so a streamed body is cut at
// 64 KiB (413) instead of being buffered whole by next-auth.
const handler = withErrors<Params>(async ({ request, params }) => {
  let forwarded = request;
  if (request.method === 'POST') {
    const body = await readBytes(request, AUTH_FORM_MAX_BYTES);
    // A NextRequest, as next-auth reads `req.nextUrl` (a plain Request fails every sign-in).
    forwarded = new NextRequest(request.url, {
      method: 'POST',
      headers: request.headers,
      body: new Uint8Array(body),
    });
  }
  return (NextAuth(authOptions()) as (r: Request, c: unknown) => Promise<Response>)(forwarded, {
    params: Promise.resolve(params),
  });
});

export { handler as GET, handler as POST };
