/**
 * JSON responses tied to their zod response schema (the `*.types.ts` beside each handler): the
 * body must have the schema's type, so a handler and the OpenAPI document it is described in
 * cannot drift apart without the type check failing.
 */
import type { z } from 'zod';

/** `Response.json(body, init)`, with `body` checked against `schema` at compile time. */
export function json<S extends z.ZodTypeAny>(
  schema: S,
  body: z.input<S>,
  init?: ResponseInit,
): Response {
  void schema; // only its type is used: validating every response would cost every request
  return Response.json(body, init);
}
