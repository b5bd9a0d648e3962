/**
 * Request schemas of /api/v1/bookings (the response is lib/bookings/booking-view.ts).
 * Times are ISO 8601 with a UTC offset ("2027-03-01T10:00:00+01:00" or "…Z").
 */
import { z } from 'zod';
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
