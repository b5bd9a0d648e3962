/** Schemas of /api/v1/api-keys (lib/auth/api-keys.ts). */
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
import { API_KEY_SCOPES, ApiKeyScope, SCOPE_DESCRIPTIONS } from '@/lib/auth/api-key-scopes';

/** A scope, as a component of the document (lib/auth/api-key-scopes.ts). */
export const apiKeyScopeSchema = ApiKeyScope.openapi('ApiKeyScope', {
  description: `What a key may do (docs/api.md has the routes of each): ${API_KEY_SCOPES.map(
    (scope) => `\`${scope}\`: ${SCOPE_DESCRIPTIONS[scope]}`,
  ).join(' ')}`,
});

/** POST /api/v1/api-keys */
export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'Name the key (e.g. "CI" or "my-app")').max(80),
  scopes: z
    .array(apiKeyScopeSchema)
    .min(1, 'Give the key at least one scope, or leave "scopes" out for the default')
    .optional()
    .openapi({
      description:
        'What the key may do. Default: the scopes of the caller except `admin`. A key may grant only scopes it holds itself (else 403 `insufficient_scope`).',
    }),
  expiresAt: z
    .string()
    .datetime({ offset: true, message: 'Give an ISO 8601 instant, e.g. 2027-03-01T10:00:00Z' })
    .transform((value) => new Date(value))
    .nullable()
    .optional()
    .openapi({
      type: 'string',
      format: 'date-time',
      description:
        "When the key stops working (ISO 8601, in the future, else 422). Default: never; for a key made with an expiring key, that key's expiry, which it may not pass (403).",
      example: '2027-03-01T10:00:00Z',
    }),
});

const keyFields = {
  scopes: z.array(apiKeyScopeSchema),
  expiresAt: instant
    .nullable()
    .openapi({ description: 'When the key stops working; null: never.' }),
};

export const apiKeyListSchema = z.object({
  apiKeys: z.array(
    z
      .object({
        id: z.string(),
        name: z.string(),
        prefix: z.string().openapi({ description: 'The start of the key, to recognise it.' }),
        createdAt: instant,
        lastUsedAt: instant.nullable(),
        ...keyFields,
        expired: z.boolean().openapi({ description: 'Whether expiresAt has passed.' }),
      })
      .openapi('ApiKey'),
  ),
});

export const createdApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  key: z.string().openapi({ description: 'The key: shown only now, never stored.' }),
  ...keyFields,
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/api-keys',
    tags: ['Account'],
    summary: "The caller's API keys (never the keys themselves).",
    security: authenticated,
    responses: { 200: jsonResponse(apiKeyListSchema, 'The keys.'), ...errorResponses() },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/api-keys',
    tags: ['Account'],
    summary: 'Create an API key; the key is in this answer only.',
    description:
      'A key may grant only scopes it holds (403 `insufficient_scope`) and no later expiry than its own (403 `forbidden`); `expiresAt` must be in the future (422).',
    security: authenticated,
    request: jsonBody(createApiKeySchema),
    responses: {
      201: jsonResponse(createdApiKeySchema, 'The new key.'),
      ...errorResponses(...JSON_BODY_ERRORS),
    },
  });
}
