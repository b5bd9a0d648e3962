/** Schemas of GET /api/v1/admin/sessions (the response is lib/admin/list-all-sessions.ts). */
import { z } from 'zod';
import { pageParam } from '../admin.types';

export const SESSION_STATUSES = ['starting', 'live', 'ended', 'failed'] as const;

export const listAllSessionsSchema = z.object({
  status: z
    .enum(SESSION_STATUSES, {
      errorMap: () => ({ message: 'status must be starting, live, ended or failed' }),
    })
    .optional(),
  page: pageParam,
});
