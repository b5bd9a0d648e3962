/** Schemas of GET /api/v1/openapi.json (this document). */
import { z, type OpenAPIRegistry } from '@/lib/api/openapi';

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/openapi.json',
    tags: ['Meta'],
    summary: 'This document: OpenAPI 3.1, generated from the zod schemas of the routes.',
    security: [],
    responses: {
      200: {
        description: 'The OpenAPI document.',
        content: {
          'application/json': {
            schema: z
              .object({ openapi: z.string(), info: z.object({}).passthrough() })
              .passthrough(),
          },
        },
      },
    },
  });
}
