/**
 * What the `*.types.ts` files beside the /api/v1 route handlers use to describe their routes
 * for the OpenAPI document (app/api/v1/openapi.json): zod with `.openapi()`, the shared error
 * responses, and the two ways to authenticate. The document itself is generated from the
 * registrations (app/api/v1/openapi-document.ts), never written by hand.
 */
import {
  extendZodWithOpenApi,
  type OpenAPIRegistry,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ErrorCode, errorBodySchema, errorStatus } from './errors';

// Adds `.openapi()` to every zod schema (a prototype patch, idempotent). Types files import
// `z` from here so the patch is in place before their schemas are made.
extendZodWithOpenApi(z);

export { z };
export type { OpenAPIRegistry, RouteConfig };

/** Where the two security schemes are registered (see registerCommon). */
export const BEARER = 'apiKey';
export const COOKIE = 'session';

/** Every authenticated route: an API key, or the login cookie of the web app. */
export const authenticated: RouteConfig['security'] = [{ [BEARER]: [] }, { [COOKIE]: [] }];

/** An ISO 8601 instant as the API writes it (`Date.toISOString()`: UTC, milliseconds). */
export const instant = z.string().datetime().openapi({ example: '2027-03-01T10:00:00.000Z' });

/** `{id}` in a path. */
export const idParams = z.object({
  id: z.string().min(1).openapi({ description: 'The id, as listed by the API.' }),
});

/** ErrorCode as a component of its own, so the document lists every code once. */
export const errorCodeSchema = ErrorCode.openapi('ErrorCode', {
  description: 'What went wrong, for programs; each code has one HTTP status.',
});

/** The shared error body (errors.ts), with `code` referring to ErrorCode. */
export const errorSchema = errorBodySchema
  .extend({ error: errorBodySchema.shape.error.extend({ code: errorCodeSchema }) })
  .openapi('Error', {
    description: `Every error. \`error.code\` is one of ErrorCode (statuses: ${Object.entries(
      errorStatus,
    )
      .map(([code, status]) => `${code} ${status}`)
      .join(', ')}).`,
  });

/** Why each status happens, for any route that can answer it. */
const STATUS_TEXT: Record<number, string> = {
  400: '`bad_request`: the body could not be read (not JSON, not multipart).',
  401: '`unauthorized`: no credentials, or an API key that is unknown, revoked or expired.',
  403: '`insufficient_scope`: the API key lacks the scope this route needs (`error.missingScopes` names it); or `forbidden`: the account is disabled, or a write with the login cookie came from another site (no same-origin `Origin`).',
  404: '`not_found`: nothing with this id belongs to the caller (admin routes: the caller is not an admin).',
  409: '`conflict` (or `no_capacity`, `room_full`): the resource is not in a state that allows this.',
  413: '`payload_too_large`: the body is larger than the route accepts (JSON: 1 MiB).',
  415: '`unsupported_media_type`: the body is not of a type the route reads (cookie writes: JSON or multipart only).',
  422: '`unprocessable`: the request failed validation; `error.issues` names the fields.',
  429: '`rate_limited` or `quota_exceeded`; `Retry-After` says when to try again where waiting helps.',
  500: '`internal`: an unexpected failure; the detail is in the server log.',
  503: '`unavailable`: a service the request needs (worker pool, LiveKit, the database) cannot take it now.',
  507: '`insufficient_storage`: the server has no disk space left to store the upload; nothing was saved.',
};

/** Sent where waiting helps (not, e.g., with a monthly quota used up until the reset). */
const RETRY_AFTER = z.object({
  'Retry-After': z.string().optional().openapi({ description: 'Seconds to wait before retrying.' }),
});

/**
 * The error responses of a route, by status: 401, 403, 422 and 500 always (every route is
 * authenticated, refuses a NUL in its address with 422, and may fail unexpectedly), plus the
 * given ones.
 */
export function errorResponses(...statuses: number[]): Record<string, ResponseConfig> {
  const all = [...new Set([401, 403, 422, 500, ...statuses])].sort((a, b) => a - b);
  return Object.fromEntries(
    all.map((status) => {
      const description = STATUS_TEXT[status];
      if (!description) throw new Error(`no description for error status ${status}`);
      return [
        String(status),
        {
          description,
          ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
          content: { 'application/json': { schema: errorSchema } },
        },
      ];
    }),
  );
}

/** Statuses of any route that reads a JSON body (readJson, cookie same-origin checks). */
export const JSON_BODY_ERRORS = [400, 413, 415, 422] as const;

/** A JSON request body. */
export function jsonBody(schema: z.ZodTypeAny, description?: string): RouteConfig['request'] {
  return {
    body: {
      required: true,
      ...(description ? { description } : {}),
      content: { 'application/json': { schema } },
    },
  };
}

/** A JSON response. */
export function jsonResponse(schema: z.ZodTypeAny, description: string): ResponseConfig {
  return { description, content: { 'application/json': { schema } } };
}

/** 204 No Content. */
export const noContent: ResponseConfig = { description: 'Done; no body.' };

/** Registers what every types file refers to: the Error schema and the security schemes. */
export function registerCommon(registry: OpenAPIRegistry): void {
  registry.register('ErrorCode', errorCodeSchema);
  registry.register('Error', errorSchema);
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key from Settings → API keys (or POST /api/v1/api-keys), sent as `Authorization: Bearer <key>`.',
  });
  registry.registerComponent('securitySchemes', COOKIE, {
    type: 'apiKey',
    in: 'cookie',
    name: 'next-auth.session-token',
    description:
      'The login cookie of the web app (`__Secure-next-auth.session-token` over https). Writes made with it must carry a same-origin `Origin` header and a JSON or multipart body.',
  });
}
