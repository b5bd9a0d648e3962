/** Schemas of GET /api/v1/admin/usage (the response is lib/admin/usage-report.ts). */
import { z } from 'zod';
import { instantParam } from '../admin.types';

export const usageQuerySchema = z.object({
  from: instantParam('from').optional(),
  to: instantParam('to').optional(),
});
