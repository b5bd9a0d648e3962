/**
 * Request schemas shared by the admin routes (/api/v1/admin/*). Each route's own schemas
 * live in the `*.types.ts` beside it.
 */
import { z } from 'zod';

/** `?page=` of a paged list: 1-based, 1 by default. */
export const pageParam = z.coerce
  .number({ invalid_type_error: 'page must be a number' })
  .int('page must be a whole number')
  .min(1, 'page must be 1 or more')
  .max(100_000)
  .default(1);

/** An ISO 8601 instant with a UTC offset, as a query parameter. */
export const instantParam = (name: string) =>
  z
    .string()
    .datetime({
      offset: true,
      message: `${name} must be an ISO 8601 time with an offset, e.g. 2027-03-01T10:00:00Z`,
    })
    .transform((value) => new Date(value));

/** The query string of a request as a plain object, for a zod schema. */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams.entries());
}
