/** Schemas of /api/v1/agent-sessions/:id. */
import {
  authenticated,
  errorResponses,
  idParams,
  jsonResponse,
  noContent,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { sessionSchema } from '../../sessions/sessions.types';

export { sessionSchema };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = {
    path: '/api/v1/agent-sessions/{id}',
    tags: ['Agent sessions'],
    security: authenticated,
    request: { params: idParams },
  };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: "An agent's face: its status and usage so far.",
    responses: { 200: jsonResponse(sessionSchema, 'The session.'), ...errorResponses(404) },
  });
  registry.registerPath({
    ...base,
    method: 'delete',
    summary: "End an agent's face: the avatar leaves the agent's room.",
    responses: { 204: noContent, ...errorResponses(404) },
  });
}
