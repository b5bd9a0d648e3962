/**
 * Login with email + password (next-auth credentials provider, JWT sessions in an HttpOnly
 * cookie; `Secure` and `__Secure-` prefixed automatically when APP_URL is https).
 */
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { ACCOUNT_DISABLED_MESSAGE } from './account-disabled';
import { clientIp } from '@/lib/rate-limits/client-ip';
import { verifyPasswordOrDecoy } from './password';
import { assertSignInAllowed, clearSignInFailures, recordSignInFailure } from './sign-in-throttle';

/** A header from next-auth's plain header record (a string, a list, or absent). */
const headerValue = (value: unknown): string | null =>
  typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : null;

export interface SessionUser {
  id: string;
  email: string;
  isAdmin: boolean;
}

declare module 'next-auth' {
  interface Session {
    user: SessionUser;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    isAdmin?: boolean;
  }
}

let options: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  // next-auth reads its base URL from the environment.
  process.env.NEXTAUTH_URL ??= env().APP_URL;
  options ??= {
    secret: env().AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
    pages: { signIn: '/login' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { type: 'email' }, password: { type: 'password' } },
        async authorize(credentials, request) {
          const email = credentials?.email?.trim().toLowerCase();
          const password = credentials?.password;
          if (!email || !password) return null;
          const prisma = await db();
          const ip = clientIp({ get: (name) => headerValue(request?.headers?.[name]) });
          // Refusals carry their message to the form (signIn() → {error}).
          await assertSignInAllowed(prisma, email, ip);
          const user = await prisma.user.findUnique({ where: { email } });
          if (!(await verifyPasswordOrDecoy(user?.passwordHash, password)) || !user) {
            await recordSignInFailure(prisma, email, ip);
            return null;
          }
          await clearSignInFailures(prisma, email, ip);
          // Said only to whoever knows the password; next-auth passes the message on as
          // the sign-in error (signIn() → {error}).
          if (user.disabledAt !== null) throw new Error(ACCOUNT_DISABLED_MESSAGE);
          return { id: user.id, email: user.email, isAdmin: user.isAdmin };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.isAdmin = (user as unknown as SessionUser).isAdmin;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.uid ?? '', email: token.email ?? '', isAdmin: !!token.isAdmin };
        return session;
      },
    },
  };
  return options;
}
