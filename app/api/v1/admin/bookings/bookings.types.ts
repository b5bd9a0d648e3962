/** Schemas of GET /api/v1/admin/bookings (the response is lib/admin/list-all-bookings.ts). */
import {
  authenticated,
  errorResponses,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { bookingSchema } from '../../bookings/bookings.types';
import { instantParam } from '../admin.types';

export const listAllBookingsSchema = z.object({
  from: instantParam('from').optional(),
  to: instantParam('to').optional(),
  /** Include cancelled bookings ("true"). */
  cancelled: z.enum(['true', 'false']).default('false'),
});

export const adminBookingListSchema = z.object({
  bookings: z.array(
    bookingSchema
      .extend({ userId: z.string(), ownerEmail: z.string(), avatarName: z.string() })
      .openapi('AdminBooking'),
  ),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/bookings',
    tags: ['Admin'],
    summary: "Every user's bookings overlapping [from, to), with owner and avatar names.",
    description: 'Default range: 60 days from a day ago; at most 366 days.',
    security: authenticated,
    request: { query: listAllBookingsSchema },
    responses: {
      200: jsonResponse(adminBookingListSchema, 'The bookings.'),
      ...errorResponses(404, 422),
    },
  });
}
