import { openApiDocument } from '../openapi-document';

/** GET /api/v1/openapi.json → the OpenAPI 3.1 document of /api/v1 (no authentication). */
export function GET(): Response {
  return Response.json(openApiDocument(), {
    headers: { 'cache-control': 'public, max-age=300' },
  });
}
