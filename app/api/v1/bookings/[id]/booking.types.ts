/** Schemas of /api/v1/bookings/:id (shared with the list: ../bookings.types.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  idParams,
  jsonBody,
  jsonResponse,
  noContent,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { bookingSchema, updateBookingSchema } from '../bookings.types';

export { bookingSchema, updateBookingSchema };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = {
    path: '/api/v1/bookings/{id}',
    tags: ['Bookings'],
    security: authenticated,
    request: { params: idParams },
  };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: 'One booking.',
    responses: { 200: jsonResponse(bookingSchema, 'The booking.'), ...errorResponses(404) },
  });
  registry.registerPath({
    ...base,
    method: 'patch',
    summary: 'Change a booking; a new slot is checked against capacity like a new booking.',
    request: { ...base.request, ...jsonBody(updateBookingSchema) },
    responses: {
      200: jsonResponse(bookingSchema, 'The booking.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409, 429, 503),
    },
  });
  registry.registerPath({
    ...base,
    method: 'delete',
    summary: 'Cancel the booking; its slot is free for others.',
    responses: { 204: noContent, ...errorResponses(404, 409) },
  });
}
