/** Schemas of /api/v1/admin/users (the response is lib/admin/admin-user-view.ts). */
import {
  authenticated,
  errorResponses,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { pageParam } from '../admin.types';

/** GET /api/v1/admin/users?q=&page= */
export const listUsersSchema = z.object({
  /** Part of an email or name, any case. */
  q: z
    .string()
    .max(200, 'q must be at most 200 characters')
    // The database cannot compare text holding NUL; a search for it finds nobody anyway.
    .refine((text) => !text.includes('\u0000'), 'q may not contain the NUL character (\\u0000)')
    .optional(),
  page: pageParam,
});

/** Largest override: anything bigger is a typo, and null already means "the default". */
export const MAX_CONCURRENT_OVERRIDE = 1_000;
export const MAX_MONTHLY_MINUTES_OVERRIDE = 1_000_000;

const override = (name: string, max: number) =>
  z
    .number({ invalid_type_error: `${name} must be a whole number or null (the default)` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be 0 or more`)
    .max(max, `${name} must be at most ${max}`)
    .nullable()
    .optional();

/** PATCH /api/v1/admin/users/:id */
export const updateUserSchema = z
  .object({
    role: z
      .enum(['admin', 'creator'], {
        errorMap: () => ({ message: 'role must be admin or creator' }),
      })
      .optional(),
    disabled: z.boolean({ invalid_type_error: 'disabled must be true or false' }).optional(),
    maxConcurrentSessions: override('maxConcurrentSessions', MAX_CONCURRENT_OVERRIDE),
    monthlySessionMinutes: override('monthlySessionMinutes', MAX_MONTHLY_MINUTES_OVERRIDE),
  })
  .strict();

export const adminUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(['admin', 'creator']),
    disabled: z.boolean(),
    disabledAt: instant.nullable(),
    maxConcurrentSessions: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'null: the default.' }),
    monthlySessionMinutes: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'null: the default.' }),
    sessions: z.number().int(),
    minutesThisMonth: z.number(),
    createdAt: instant,
  })
  .openapi('AdminUser');

export const userPageSchema = z.object({
  users: z.array(adminUserSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export const updatedUserSchema = adminUserSchema.extend({
  stoppedSessions: z
    .array(z.string())
    .openapi({ description: 'Ids of the sessions that disabling the account ended.' }),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/users',
    tags: ['Admin'],
    summary: 'Users, oldest account first; `q` searches email and name.',
    security: authenticated,
    request: { query: listUsersSchema },
    responses: {
      200: jsonResponse(userPageSchema, 'A page of users.'),
      ...errorResponses(404, 422),
    },
  });
}
