/** Schemas of /api/v1/avatars/:id (the settings: lib/avatars/avatar-settings.ts). */
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
import { avatarSettingsSchema } from '@/lib/avatars/avatar-settings';
import { avatarSchema } from '../avatars.types';

export { avatarSchema, avatarSettingsSchema };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = {
    path: '/api/v1/avatars/{id}',
    tags: ['Avatars'],
    security: authenticated,
    request: { params: idParams },
  };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: 'One avatar, with its speech, conversation and transcription settings.',
    responses: { 200: jsonResponse(avatarSchema, 'The avatar.'), ...errorResponses(404) },
  });
  registry.registerPath({
    ...base,
    method: 'patch',
    summary: 'Change the name, voice, speech provider, conversation or transcription settings.',
    description: 'API keys in the body are write-only: responses show only `hasApiKey`.',
    request: { ...base.request, ...jsonBody(avatarSettingsSchema) },
    responses: {
      200: jsonResponse(avatarSchema, 'The avatar (next sessions use it).'),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409),
    },
  });
  registry.registerPath({
    ...base,
    method: 'delete',
    summary: 'Delete the avatar and its files; ends its live sessions.',
    responses: { 204: noContent, ...errorResponses(404) },
  });
}
