/** Schemas of GET /api/v1/admin/usage (the response is lib/admin/usage-report.ts). */
import {
  authenticated,
  errorResponses,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { instantParam } from '../admin.types';

export const usageQuerySchema = z.object({
  from: instantParam('from').optional(),
  to: instantParam('to').optional(),
});

const figures = {
  minutes: z.number(),
  sessions: z.number().int(),
  viewers: z.number().int(),
  speechChars: z.number().int(),
};
const days = z.array(
  z.object({ day: z.string().openapi({ example: '2027-03-01' }), ...figures }).openapi('DayUsage'),
);

export const usageReportSchema = z.object({
  from: instant,
  to: instant,
  days,
  users: z.array(z.object({ userId: z.string(), email: z.string(), days, ...figures })),
  avatars: z.array(
    z.object({
      avatarId: z.string(),
      name: z.string(),
      userId: z.string(),
      ownerEmail: z.string(),
      days,
      ...figures,
    }),
  ),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/usage',
    tags: ['Admin'],
    summary: 'Minutes, sessions, viewers and speech characters per UTC day, user and avatar.',
    description: 'Default: the last 30 days, today included.',
    security: authenticated,
    request: { query: usageQuerySchema },
    responses: {
      200: jsonResponse(usageReportSchema, 'The report.'),
      ...errorResponses(404, 422),
    },
  });
}
