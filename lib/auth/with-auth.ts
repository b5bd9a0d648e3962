/**
 * Wraps a route handler: resolves the caller from `Authorization: Bearer <api key>` or the
 * login cookie (refusing disabled accounts, and cookie writes sent from other sites: see
 * same-origin.ts), checks the route's role, and turns every error into a JSON response in one
 * place.
 */
import { ApiError, errorResponse } from '@/lib/api/errors';
import { db } from '@/lib/db/db';
import { assertAccountEnabled } from './account-disabled';
import { findUserByApiKey } from './api-keys';
import { assertSameOriginWrite } from './same-origin';
import type { SessionUser } from './auth-options';
import { cookieUser } from './current-user';

export interface RouteContext<P> {
  params: Promise<P>;
}

type Handler<P> = (args: { request: Request; user: SessionUser; params: P }) => Promise<Response>;

/**
 * The caller: the API key's owner, else the login cookie's. Unknown or missing credentials:
 * 401; a disabled account (either way): 403 `forbidden` saying so.
 */
export async function resolveUser(request: Request): Promise<SessionUser> {
  const header = request.headers.get('authorization');
  let user;
  if (header !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    user = match?.[1] ? await findUserByApiKey(await db(), match[1]) : null;
    if (!user) {
      throw new ApiError(
        'unauthorized',
        'Invalid API key. Send "Authorization: Bearer <key>" with a key from Settings → API keys.',
      );
    }
  } else {
    user = await cookieUser();
    if (!user) {
      throw new ApiError(
        'unauthorized',
        'Authentication required: log in, or send "Authorization: Bearer <API key>".',
      );
    }
    assertSameOriginWrite(request);
  }
  assertAccountEnabled(user);
  return { id: user.id, email: user.email, isAdmin: user.isAdmin };
}

export interface AuthOptions {
  /**
   * Admins only. Anyone else gets 404, not 403: the route's existence is nothing a
   * non-admin needs to learn.
   */
  admin?: boolean;
}

export function withAuth<P = Record<string, never>>(
  handler: Handler<P>,
  options: AuthOptions = {},
) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const user = await resolveUser(request);
      if (options.admin && !user.isAdmin) {
        throw new ApiError('not_found', 'Not found: nothing is at this address.');
      }
      return await handler({ request, user, params: await context.params });
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
      return await handler({ request, params: await context.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
