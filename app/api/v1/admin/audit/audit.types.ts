/** Schemas of GET /api/v1/admin/audit (lib/audit/list-audit-events.ts). */
import {
  authenticated,
  errorResponses,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { AUDIT_ACTIONS } from '@/lib/audit/record-audit';

export const listAuditSchema = z.object({
  action: z
    .enum(AUDIT_ACTIONS, {
      errorMap: () => ({ message: `action must be one of ${AUDIT_ACTIONS.join(', ')}` }),
    })
    .optional(),
  actorId: z.string().min(1).max(100).optional(),
  before: z.string().min(1).max(100).optional(),
  limit: z.coerce
    .number({ invalid_type_error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be 1 to 200')
    .max(200, 'limit must be 1 to 200')
    .default(100),
});

export const auditPageSchema = z.object({
  events: z.array(
    z
      .object({
        id: z.string(),
        at: instant,
        actorId: z.string().nullable(),
        actorEmail: z.string().nullable(),
        via: z.string().openapi({ description: '"cookie", "api_key:<key id>" or "login".' }),
        action: z.string().openapi({ example: 'api_key.created' }),
        targetType: z.string().nullable(),
        targetId: z.string().nullable(),
        ip: z.string(),
        userAgent: z.string().nullable(),
        details: z.unknown().openapi({ description: 'What changed; never a secret.' }),
      })
      .openapi('AuditEvent'),
  ),
  nextBefore: z
    .string()
    .nullable()
    .openapi({ description: 'Pass as `before` for the next (older) page; null at the end.' }),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/audit',
    tags: ['Admin'],
    summary:
      'The audit log, newest first: logins, password and key changes, role changes, avatar and session deletions.',
    security: authenticated,
    request: { query: listAuditSchema },
    responses: {
      200: jsonResponse(auditPageSchema, 'A page of audit events.'),
      ...errorResponses(404),
    },
  });
}
