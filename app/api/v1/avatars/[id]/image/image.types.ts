/** Schemas of GET /api/v1/avatars/:id/image. */
import {
  authenticated,
  errorResponses,
  idParams,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

const image = { schema: z.string().openapi({ type: 'string', format: 'binary' }) };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/avatars/{id}/image',
    tags: ['Avatars'],
    summary: "The avatar's poster image.",
    description:
      'PNG once prepared (frame 0 of a video); the uploaded image while a portrait is prepared; 404 for a video not prepared yet.',
    security: authenticated,
    request: { params: idParams },
    responses: {
      200: {
        description: 'The image.',
        content: { 'image/png': image, 'image/jpeg': image, 'image/webp': image },
      },
      ...errorResponses(404),
    },
  });
}
