/**
 * Wraps a route handler: resolves the caller from `Authorization: Bearer <api key>` or the
 * login cookie, and turns every error into a JSON response in one place.
 */
import { ApiError, errorResponse } from '@/lib/api/errors';
import { db } from '@/lib/db/db';
import { findUserByApiKey } from './api-keys';
import type { SessionUser } from './auth-options';
import { currentUser } from './current-user';

export interface RouteContext<P> {
  params: Promise<P>;
}

type Handler<P> = (args: { request: Request; user: SessionUser; params: P }) => Promise<Response>;

export async function resolveUser(request: Request): Promise<SessionUser> {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const user = match?.[1] ? await findUserByApiKey(await db(), match[1]) : null;
    if (!user) {
      throw new ApiError(
        'unauthorized',
        'Invalid API key. Send "Authorization: Bearer <key>" with a key from Settings → API keys.',
      );
    }
    return user;
  }
  const user = await currentUser();
  if (!user) {
    throw new ApiError(
      'unauthorized',
      'Authentication required: log in, or send "Authorization: Bearer <API key>".',
    );
  }
  return user;
}

export function withAuth<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const user = await resolveUser(request);
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
