/**
 * Wraps a route handler: resolves the caller from `Authorization: Bearer <api key>` or the
 * login cookie (refusing disabled accounts, expired keys, and cookie writes sent from other
 * sites: see same-origin.ts), checks the scope the route declares (decision 023), and turns
 * every error into a JSON response in one place.
 */
import { ApiError, assertNoNulInUrl, errorResponse } from '@/lib/api/errors';
import { db } from '@/lib/db/db';
import { assertAccountEnabled } from './account-disabled';
import { type ApiKeyScope, assertScopes, effectiveScopes, userScopes } from './api-key-scopes';
import { type Grantor, findApiKey, isExpired } from './api-keys';
import { assertSameOriginWrite } from './same-origin';
import type { SessionUser } from './auth-options';
import { cookieUser } from './current-user';

export interface RouteContext<P> {
  params: Promise<P>;
}

/** Who makes the request, and what they may do. */
export interface Caller {
  user: SessionUser;
  /** The API key's scopes as its owner may use them now; the login cookie: all the user has. */
  scopes: ApiKeyScope[];
  /** The key of the request; null with the login cookie. */
  apiKey: { id: string; expiresAt: Date | null } | null;
}

/** The caller as the grantor of API keys it creates or revokes (lib/auth/api-keys.ts). */
export const grantorOf = (caller: Caller): Grantor => ({
  userId: caller.user.id,
  scopes: caller.scopes,
  expiresAt: caller.apiKey?.expiresAt ?? null,
});

type Handler<P> = (args: {
  request: Request;
  user: SessionUser;
  params: P;
  caller: Caller;
}) => Promise<Response>;

/**
 * The caller: the API key's owner, else the login cookie's. Unknown or missing credentials:
 * 401; an expired key: 401 saying so; a disabled account (either way): 403 `forbidden`.
 */
export async function resolveCaller(request: Request, now = new Date()): Promise<Caller> {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const key = match?.[1] ? await findApiKey(await db(), match[1], now) : null;
    if (!key) {
      throw new ApiError(
        'unauthorized',
        'Invalid API key. Send "Authorization: Bearer <key>" with a key from Settings → API keys.',
      );
    }
    if (isExpired(key, now)) {
      throw new ApiError(
        'unauthorized',
        `This API key expired at ${key.expiresAt?.toISOString()}. Create a new one in Settings → API keys.`,
        {},
        { expiredAt: key.expiresAt?.toISOString() },
      );
    }
    assertAccountEnabled(key.user);
    const { id, email, isAdmin } = key.user;
    return {
      user: { id, email, isAdmin },
      scopes: effectiveScopes(key.scopes, key.user),
      apiKey: { id: key.id, expiresAt: key.expiresAt },
    };
  }
  const user = await cookieUser();
  if (!user) {
    throw new ApiError(
      'unauthorized',
      'Authentication required: log in, or send "Authorization: Bearer <API key>".',
    );
  }
  assertSameOriginWrite(request);
  assertAccountEnabled(user);
  const { id, email, isAdmin } = user;
  return { user: { id, email, isAdmin }, scopes: userScopes(user), apiKey: null };
}

/**
 * What a route needs of its caller: one scope, several (all of them), or `'any'` for a route
 * whose handler checks the caller's scopes itself (creating and revoking API keys, which
 * depends on the key's scopes). `admin` routes answer 404, not 403, to anyone who is not an
 * admin: the route's existence is nothing a non-admin needs to learn.
 */
export type RouteScope = ApiKeyScope | readonly [ApiKeyScope, ...ApiKeyScope[]] | 'any';

/** Refuses a caller without the route's scope: 404 (admin routes, non-admins) or 403. */
export function authorize(caller: Caller, scope: RouteScope): void {
  if (scope === 'any') return;
  const required: readonly ApiKeyScope[] = typeof scope === 'string' ? [scope] : scope;
  if (required.includes('admin') && !caller.user.isAdmin) {
    throw new ApiError('not_found', 'Not found: nothing is at this address.');
  }
  assertScopes(caller.scopes, required);
}

/** resolveCaller + authorize, for routes that authenticate outside withAuth (rooms). */
export async function resolveUser(request: Request, scope: RouteScope): Promise<SessionUser> {
  const caller = await resolveCaller(request);
  authorize(caller, scope);
  return caller.user;
}

export interface AuthOptions {
  /**
   * The scope the caller needs (required, so that no route can forget it; a unit test walks
   * app/api/v1 to check every handler names one): `read` for GETs of the caller's own
   * resources, `sessions`, `avatars` or `admin` for the rest (docs/api.md has the table).
   */
  scope: RouteScope;
}

/**
 * The options come first so a route reads as a declaration (`withAuth({ scope: 'read' }, …)`)
 * and its handler keeps its indentation.
 */
export function withAuth<P = Record<string, never>>(options: AuthOptions, handler: Handler<P>) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      assertNoNulInUrl(request);
      const caller = await resolveCaller(request);
      authorize(caller, options.scope);
      return await handler({ request, user: caller.user, params: await context.params, caller });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Same error handling, no authentication (health, registration, public viewer). */
export function withErrors<P = Record<string, never>>(
  handler: (args: { request: Request; params: P }) => Promise<Response>,
) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      assertNoNulInUrl(request);
      return await handler({ request, params: await context.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
