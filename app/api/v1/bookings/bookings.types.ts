/**
 * Schemas of /api/v1/bookings and /api/v1/bookings/:id (the view: lib/bookings/booking-view.ts).
 * Times are ISO 8601 with a UTC offset ("2027-03-01T10:00:00+01:00" or "…Z").
 */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  instant as instantOut,
  jsonBody,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { MAX_TITLE_CHARS, MAX_VIEWERS_LIMIT } from '@/lib/bookings/booking-rules';

const instant = (name: string) =>
  z
    .string({
      required_error: `${name} is required`,
      invalid_type_error: `${name} must be a string`,
    })
    .datetime({
      offset: true,
      message: `${name} must be an ISO 8601 time with an offset, e.g. 2027-03-01T10:00:00+01:00`,
    })
    .transform((value) => new Date(value));

const kind = z.enum(['private', 'broadcast'], {
  errorMap: () => ({ message: 'kind must be private or broadcast' }),
});
const talk = z.enum(['owner', 'invited', 'everyone'], {
  errorMap: () => ({ message: 'talk must be owner, invited or everyone' }),
});
const maxViewers = z.number().int().min(1).max(MAX_VIEWERS_LIMIT);
const title = z.string().max(MAX_TITLE_CHARS);

/** POST /api/v1/bookings */
export const createBookingSchema = z
  .object({
    avatarId: z.string({ required_error: 'avatarId is required' }).min(1),
    startsAt: instant('startsAt'),
    endsAt: instant('endsAt'),
    kind,
    maxViewers: maxViewers.optional(),
    talk: talk.optional(),
    title: title.optional(),
  })
  .strict();

/** PATCH /api/v1/bookings/:id: any of the fields a booking is made with but its avatar. */
export const updateBookingSchema = z
  .object({
    startsAt: instant('startsAt').optional(),
    endsAt: instant('endsAt').optional(),
    kind: kind.optional(),
    maxViewers: maxViewers.optional(),
    talk: talk.optional(),
    title: title.optional(),
  })
  .strict();

/** GET /api/v1/bookings?from&to: bookings overlapping [from, to); 60 days from a day ago. */
export const listBookingsSchema = z.object({
  from: instant('from').optional(),
  to: instant('to').optional(),
  /** Include cancelled bookings ("true"). */
  cancelled: z.enum(['true', 'false']).default('false'),
});

export const bookingSchema = z
  .object({
    id: z.string(),
    avatarId: z.string(),
    title: z.string(),
    kind: z.enum(['private', 'broadcast']),
    talk: z.enum(['owner', 'invited', 'everyone']),
    maxViewers: z.number().int(),
    startsAt: instantOut,
    endsAt: instantOut,
    status: z.enum(['scheduled', 'cancelled']),
    joinUrl: z.string().url().openapi({ description: 'The link to share.' }),
    icsUrl: z.string().url().openapi({ description: 'The booking as a calendar file.' }),
    createdAt: instantOut,
    updatedAt: instantOut,
  })
  .openapi('Booking');

export const bookingListSchema = z.object({ bookings: z.array(bookingSchema) });

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/bookings',
    tags: ['Bookings'],
    summary: "The caller's bookings overlapping [from, to), by start time.",
    description: 'Default range: 60 days from a day ago; at most 366 days.',
    security: authenticated,
    request: { query: listBookingsSchema },
    responses: {
      200: jsonResponse(bookingListSchema, 'The bookings.'),
      ...errorResponses(422),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/bookings',
    tags: ['Bookings'],
    summary: 'Book a slot for an avatar.',
    description:
      '409 `no_capacity` (with `conflictAt` and `nextFreeStart`) when the pool is booked up at some instant of the slot.',
    security: authenticated,
    request: jsonBody(createBookingSchema),
    responses: {
      201: jsonResponse(bookingSchema, 'The booking.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409, 429, 503),
    },
  });
}
