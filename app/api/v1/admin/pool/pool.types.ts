/** Schemas of GET /api/v1/admin/pool (lib/workers/pool-view.ts). */
import {
  authenticated,
  errorResponses,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export const poolViewSchema = z
  .object({
    capacity: z.object({
      hosts: z.number().int(),
      capacity: z.number().int(),
      used: z.number().int(),
      free: z.number().int(),
    }),
    hosts: z.array(
      z.object({
        id: z.string(),
        state: z.enum(['available', 'full', 'draining', 'lost']),
        capacity: z.number().int(),
        active: z.number().int(),
        prewarmed: z.number().int(),
        load: z.number().openapi({ description: '0 to 1.' }),
        cpuPercent: z.number().openapi({ description: '100 = one core.' }),
        cores: z.number().int(),
        rssMb: z.number(),
        pssMb: z.number(),
        restarts: z.number().int(),
        metricsUrl: z.string().nullable(),
        firstSeenAt: instant,
        lastSeenAt: instant,
        history: z.array(
          z.object({
            atMs: z.number().openapi({ description: 'Unix time, ms.' }),
            load: z.number(),
            cpuPercent: z.number(),
            active: z.number().int(),
          }),
        ),
      }),
    ),
    sessions: z.array(
      z.object({
        id: z.string(),
        avatarName: z.string(),
        room: z.string(),
        status: z.enum(['starting', 'live']),
        hostState: z.enum(['starting', 'running', 'restarting', 'stopping']).nullable(),
        hostId: z.string().nullable(),
        viewers: z.number().int().nullable(),
        fps: z.number().nullable(),
        cpuPercent: z.number().nullable(),
        rssMb: z.number().nullable(),
        pssMb: z.number().nullable(),
        degraded: z.boolean(),
        uptimeS: z.number(),
        restarts: z.number().int(),
        renderer: z.string().nullable(),
      }),
    ),
    livekitReachable: z.boolean(),
  })
  .openapi('Pool');

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/pool',
    tags: ['Admin'],
    summary: 'The worker pool: capacity, hosts with recent load, running sessions.',
    security: authenticated,
    responses: { 200: jsonResponse(poolViewSchema, 'The pool.'), ...errorResponses(404) },
  });
}
