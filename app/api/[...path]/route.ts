import { ApiError, errorResponse } from '@/lib/api/errors';

/**
 * Any path under /api/ that no route answers: a JSON 404 in the API's error shape, naming the
 * path and where the routes are listed, instead of the site's HTML "not found" page (which a
 * program cannot read, and which costs the app three times as much to render as this answer).
 * Routes with a fixed segment (`/api/v1/…`, `/api/auth/…`) always take precedence.
 */
function noSuchRoute(request: Request): Promise<Response> {
  // A path is shown as sent, cut short: an error message is not an echo service.
  const pathname = new URL(request.url).pathname.slice(0, 200);
  return Promise.resolve(
    errorResponse(
      new ApiError(
        'not_found',
        `No API route at ${request.method} ${pathname}. The routes are listed at /docs/api (OpenAPI: /api/v1/openapi.json).`,
      ),
    ),
  );
}

export const GET = noSuchRoute;
export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;
