/** Schemas of GET /api/v1/bookings/:id/ics. */
import {
  authenticated,
  errorResponses,
  idParams,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/bookings/{id}/ics',
    tags: ['Bookings'],
    summary: 'The booking as an iCalendar file (also when cancelled).',
    security: authenticated,
    request: { params: idParams },
    responses: {
      200: {
        description: 'An iCalendar file (attachment).',
        content: { 'text/calendar': { schema: z.string() } },
      },
      ...errorResponses(404),
    },
  });
}
