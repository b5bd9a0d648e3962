/** Schemas of POST /api/v1/account/logout-everywhere (lib/auth/session-version.ts). */
import { authenticated, errorResponses, noContent, type OpenAPIRegistry } from '@/lib/api/openapi';

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/account/logout-everywhere',
    tags: ['Account'],
    summary:
      'End every login of this account, in every browser, this one included. API keys keep working (revoke them in Settings → API keys).',
    security: authenticated,
    responses: { 204: noContent, ...errorResponses() },
  });
}
