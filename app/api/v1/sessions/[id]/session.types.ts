/** Schemas of /api/v1/sessions/:id (the request: lib/sessions/update-session-access.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  idParams,
  jsonBody,
  jsonResponse,
  noContent,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { sessionAccessSchema } from '@/lib/sessions/update-session-access';
import { sessionSchema } from '../sessions.types';

export { sessionAccessSchema, sessionSchema };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = {
    path: '/api/v1/sessions/{id}',
    tags: ['Sessions'],
    security: authenticated,
    request: { params: idParams },
  };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: 'One session, with its status and usage so far.',
    responses: { 200: jsonResponse(sessionSchema, 'The session.'), ...errorResponses(404) },
  });
  registry.registerPath({
    ...base,
    method: 'patch',
    summary: 'Share or unshare the viewer URL; let guests talk or not.',
    request: { ...base.request, ...jsonBody(sessionAccessSchema) },
    responses: {
      200: jsonResponse(sessionSchema, 'The session.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409),
    },
  });
  registry.registerPath({
    ...base,
    method: 'delete',
    summary: 'Stop the session (harmless when it has ended).',
    responses: { 204: noContent, ...errorResponses(404) },
  });
}
