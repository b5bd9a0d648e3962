/** Schemas of /api/v1/account/calendar-feed (lib/bookings/calendar-feed.ts). */
import {
  authenticated,
  errorResponses,
  jsonResponse,
  noContent,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export const calendarFeedSchema = z.object({
  url: z.string().url().openapi({ description: 'The private feed URL; shown only now.' }),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/account/calendar-feed',
    tags: ['Account'],
    summary: "A private calendar feed of the caller's bookings; replaces (ends) the old one.",
    security: authenticated,
    responses: { 201: jsonResponse(calendarFeedSchema, 'The feed.'), ...errorResponses(415) },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/v1/account/calendar-feed',
    tags: ['Account'],
    summary: 'The feed URL stops working.',
    security: authenticated,
    responses: { 204: noContent, ...errorResponses(415) },
  });
}
