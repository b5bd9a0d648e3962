/**
 * Login cookies carry the account's session version (User.sessionVersion) from when they were
 * issued. A password change or "log out everywhere" raises the version, so every cookie issued
 * before it stops being accepted on its next request (current-user.ts). The browser that
 * changed its password gets a fresh cookie under the new version and stays logged in.
 */
import type { PrismaClient } from '@prisma/client';
import { decode, encode } from 'next-auth/jwt';
import { env } from '@/lib/config/env';

/** How long a login lasts without use (next-auth's session maxAge). */
export const LOGIN_MAX_AGE_S = 7 * 24 * 3600;

/** Whether login cookies are `Secure` (and `__Secure-` prefixed): whenever APP_URL is https. */
export const secureCookies = (): boolean => env().APP_URL.startsWith('https://');

/** The login cookie's name, as next-auth names it. */
export const sessionCookieName = (): string =>
  `${secureCookies() ? '__Secure-' : ''}next-auth.session-token`;

/**
 * Whether a cookie issued under `tokenVersion` is still good for an account at `userVersion`.
 * Cookies from before versions existed carry none and count as version 0.
 */
export const isCurrentSession = (tokenVersion: number | undefined, userVersion: number): boolean =>
  (tokenVersion ?? 0) === userVersion;

/** Raises the account's session version: every login cookie issued so far ends. */
export async function endAllLogins(prisma: PrismaClient, userId: string): Promise<number> {
  const { sessionVersion } = await prisma.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  return sessionVersion;
}

/**
 * A `Set-Cookie` value that carries this request's login on under `sessionVersion`, or null
 * when the request has no login cookie (an API key caller).
 */
export async function renewedLoginCookie(
  request: Request,
  sessionVersion: number,
): Promise<string | null> {
  const secret = env().AUTH_SECRET;
  const cookieName = sessionCookieName();
  // Our tokens are a few hundred bytes, so next-auth never splits the cookie into chunks.
  const current = parseCookies(request.headers.get('cookie') ?? '')[cookieName];
  const token = current ? await decode({ token: current, secret }) : null;
  if (!token) return null;
  const value = await encode({
    token: { ...token, sv: sessionVersion },
    secret,
    maxAge: LOGIN_MAX_AGE_S,
  });
  const expires = new Date(Date.now() + LOGIN_MAX_AGE_S * 1000).toUTCString();
  return [`${cookieName}=${value}`, `Expires=${expires}`, ...cookieAttributes()].join('; ');
}

/** A `Set-Cookie` value that removes the login cookie from this browser. */
export function clearedLoginCookie(): string {
  return [`${sessionCookieName()}=`, 'Max-Age=0', ...cookieAttributes()].join('; ');
}

/** The attributes next-auth gives its session cookie. */
const cookieAttributes = (): string[] => [
  'Path=/',
  'HttpOnly',
  'SameSite=Lax',
  ...(secureCookies() ? ['Secure'] : []),
];

function parseCookies(header: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return cookies;
}
