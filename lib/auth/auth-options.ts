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
import { recordAudit } from '@/lib/audit/record-audit';
import { verifyPasswordOrDecoy } from './password';
import { log } from '@/lib/log/logger';
import { isCurrentSession, LOGIN_MAX_AGE_S, secureCookies } from './session-version';

/** Thrown by the jwt callback for a login a password change or "log out everywhere" ended. */
const LOGIN_ENDED = 'login ended: the password changed or the account logged out everywhere';

/**
 * Whether a login cookie's session version is still the account's. A database that cannot
 * be read keeps the login (an outage must not log everyone out); pages and the API check
 * again against the database on every request (current-user.ts).
 */
async function loginStillCurrent(uid: string, sv: number | undefined): Promise<boolean> {
  try {
    const user = await (
      await db()
    ).user.findUnique({
      where: { id: uid },
      select: { sessionVersion: true },
    });
    return !!user && isCurrentSession(sv, user.sessionVersion);
  } catch {
    return true;
  }
}
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
    /** The account's session version when this login began (session-version.ts). */
    sessionVersion: number;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    isAdmin?: boolean;
    /** User.sessionVersion at login; absent in cookies from before versions existed. */
    sv?: number;
  }
}

let options: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  // next-auth reads its base URL from the environment.
  process.env.NEXTAUTH_URL ??= env().APP_URL;
  options ??= {
    secret: env().AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: LOGIN_MAX_AGE_S },
    // Secure cookies whenever the public URL is https, also behind a proxy that ends TLS and
    // talks plain http to the app.
    useSecureCookies: secureCookies(),
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
          const headers = { get: (name: string) => headerValue(request?.headers?.[name]) };
          const ip = clientIp(headers);
          // Refusals carry their message to the form (signIn() → {error}).
          await assertSignInAllowed(prisma, email, ip);
          const user = await prisma.user.findUnique({ where: { email } });
          const actor = { id: user?.id ?? null, email, via: 'login' };
          if (!(await verifyPasswordOrDecoy(user?.passwordHash, password)) || !user) {
            await recordSignInFailure(prisma, email, ip);
            await recordAudit(prisma, {
              actor,
              action: 'login.failed',
              headers,
              details: { reason: user ? 'wrong password' : 'no such account' },
            });
            return null;
          }
          await clearSignInFailures(prisma, email, ip);
          // Said only to whoever knows the password; next-auth passes the message on as
          // the sign-in error (signIn() → {error}).
          if (user.disabledAt !== null) {
            await recordAudit(prisma, {
              actor,
              action: 'login.failed',
              headers,
              details: { reason: 'account disabled' },
            });
            throw new Error(ACCOUNT_DISABLED_MESSAGE);
          }
          await recordAudit(prisma, { actor, action: 'login.succeeded', headers });
          return {
            id: user.id,
            email: user.email,
            isAdmin: user.isAdmin,
            sessionVersion: user.sessionVersion,
          };
        },
      }),
    ],
    // next-auth's own messages go to the app's log; an ended login is routine, not an error.
    logger: {
      error: (code, metadata) => {
        const { message } = (metadata ?? {}) as { message?: unknown };
        if (code === 'JWT_SESSION_ERROR' && message === LOGIN_ENDED) {
          log.debug({ code }, 'an ended login was refused and its cookie cleared');
          return;
        }
        log.error({ code, err: metadata }, 'next-auth error');
      },
      warn: (code) => log.warn({ code }, 'next-auth warning'),
      debug: () => undefined,
    },
    callbacks: {
      // Throwing makes next-auth clear the cookie and answer "no session" (/api/auth/session,
      // getServerSession), so an ended login is logged out everywhere it is read.
      async jwt({ token, user }) {
        if (!user && token.uid && !(await loginStillCurrent(token.uid, token.sv))) {
          throw new Error(LOGIN_ENDED);
        }
        if (user) {
          token.uid = user.id;
          const signedIn = user as unknown as SessionUser & { sessionVersion: number };
          token.isAdmin = signedIn.isAdmin;
          token.sv = signedIn.sessionVersion;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.uid ?? '', email: token.email ?? '', isAdmin: !!token.isAdmin };
        session.sessionVersion = token.sv ?? 0;
        return session;
      },
    },
  };
  return options;
}
