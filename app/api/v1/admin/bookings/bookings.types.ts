/** Schemas of GET /api/v1/admin/bookings (the response is lib/admin/list-all-bookings.ts). */
import { z } from 'zod';
import { instantParam } from '../admin.types';

export const listAllBookingsSchema = z.object({
  from: instantParam('from').optional(),
  to: instantParam('to').optional(),
  /** Include cancelled bookings ("true"). */
  cancelled: z.enum(['true', 'false']).default('false'),
});
