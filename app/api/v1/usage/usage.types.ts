/** Schemas of GET /api/v1/usage (lib/quotas/user-usage.ts). */
import {
  authenticated,
  errorResponses,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export const usageSchema = z
  .object({
    limits: z.object({
      concurrentSessions: z.number().int(),
      monthlyMinutes: z.number().openapi({ description: 'Session minutes per UTC month.' }),
    }),
    used: z.object({
      concurrentSessions: z.number().int(),
      minutes: z.number(),
      bookedMinutes: z.number(),
    }),
    remainingMinutes: z.number().min(0),
    month: z.object({ start: instant, end: instant }),
    resetsAt: instant,
  })
  .openapi('Usage');

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/usage',
    tags: ['Account'],
    summary: "The caller's quotas this calendar month (UTC) and what is used of them.",
    security: authenticated,
    responses: { 200: jsonResponse(usageSchema, 'Limits and usage.'), ...errorResponses() },
  });
}
