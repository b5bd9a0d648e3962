/** Schemas of /api/v1/admin/invites (responses: lib/registration/create-invite.ts, invite-view.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  instant,
  jsonBody,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import {
  INVITE_DEFAULT_DAYS,
  INVITE_MAX_DAYS,
  INVITE_NOTE_MAX_CHARS,
} from '@/lib/registration/create-invite';

/** POST /api/v1/admin/invites */
export const createInviteSchema = z
  .object({
    /** Who the invite is for, for the admins' list; never shown to the invitee. */
    note: z
      .string({ invalid_type_error: 'note must be a string' })
      .trim()
      .max(INVITE_NOTE_MAX_CHARS, `note must be at most ${INVITE_NOTE_MAX_CHARS} characters`)
      .optional(),
    expiresInDays: z
      .number({ invalid_type_error: 'expiresInDays must be a number of days' })
      .int('expiresInDays must be a whole number of days')
      .min(1, 'expiresInDays must be at least 1')
      .max(INVITE_MAX_DAYS, `expiresInDays must be at most ${INVITE_MAX_DAYS}`)
      .default(INVITE_DEFAULT_DAYS),
  })
  .strict();

export const inviteListSchema = z.object({
  invites: z.array(
    z
      .object({
        id: z.string(),
        note: z.string(),
        status: z.enum(['unused', 'used', 'expired']),
        createdAt: instant,
        expiresAt: instant,
        usedAt: instant.nullable(),
        usedByEmail: z.string().nullable(),
        createdByEmail: z.string(),
      })
      .openapi('Invite'),
  ),
});

export const createdInviteSchema = z.object({
  id: z.string(),
  url: z
    .string()
    .url()
    .openapi({ description: 'The invite link; holds the secret, shown only now.' }),
  expiresAt: instant,
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = { path: '/api/v1/admin/invites', tags: ['Admin'], security: authenticated };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: 'Invites, newest first (never a secret).',
    responses: { 200: jsonResponse(inviteListSchema, 'The invites.'), ...errorResponses(404) },
  });
  registry.registerPath({
    ...base,
    method: 'post',
    summary: 'Create a single-use invite link.',
    request: jsonBody(createInviteSchema),
    responses: {
      201: jsonResponse(createdInviteSchema, 'The invite.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404),
    },
  });
}
