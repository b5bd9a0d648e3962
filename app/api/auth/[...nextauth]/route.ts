import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/auth-options';

// next-auth's handler reads the request itself; options are built lazily so `next build`
// needs no secrets.
function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return (NextAuth(authOptions()) as (r: Request, c: unknown) => Promise<Response>)(
    request,
    context,
  );
}

export { handler as GET, handler as POST };
