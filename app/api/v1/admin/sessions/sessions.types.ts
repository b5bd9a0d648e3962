/** Schemas of GET /api/v1/admin/sessions (the response is lib/admin/list-all-sessions.ts). */
import {
  authenticated,
  errorResponses,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
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

export const adminSessionPageSchema = z.object({
  sessions: z.array(
    z
      .object({
        id: z.string(),
        room: z.string(),
        status: z.enum(SESSION_STATUSES),
        error: z.string().nullable(),
        userId: z.string(),
        ownerEmail: z.string(),
        avatarId: z.string(),
        avatarName: z.string(),
        bookingId: z.string().nullable(),
        createdAt: instant,
        liveAt: instant.nullable(),
        endedAt: instant.nullable(),
        minutes: z.number(),
        viewersJoined: z.number().int(),
        peakViewers: z.number().int(),
        speechChars: z.number().int(),
      })
      .openapi('AdminSession'),
  ),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/sessions',
    tags: ['Admin'],
    summary: "Every user's sessions, newest first, with owner, avatar and usage.",
    security: authenticated,
    request: { query: listAllSessionsSchema },
    responses: {
      200: jsonResponse(adminSessionPageSchema, 'A page of sessions.'),
      ...errorResponses(404, 422),
    },
  });
}
