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

/** POST /api/v1/api-keys */
export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'Name the key (e.g. "CI" or "my-app")').max(80),
});

export const apiKeyListSchema = z.object({
  apiKeys: z.array(
    z
      .object({
        id: z.string(),
        name: z.string(),
        prefix: z.string().openapi({ description: 'The start of the key, to recognise it.' }),
        createdAt: instant,
        lastUsedAt: instant.nullable(),
      })
      .openapi('ApiKey'),
  ),
});

export const createdApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  key: z.string().openapi({ description: 'The key: shown only now, never stored.' }),
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
    security: authenticated,
    request: jsonBody(createApiKeySchema),
    responses: {
      201: jsonResponse(createdApiKeySchema, 'The new key.'),
      ...errorResponses(...JSON_BODY_ERRORS),
    },
  });
}
