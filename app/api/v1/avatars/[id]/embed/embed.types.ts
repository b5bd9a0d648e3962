/** Schemas of /api/v1/avatars/:id/embed (lib/embeds/embed-settings.ts, docs/widget.md). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  idParams,
  instant,
  jsonBody,
  jsonResponse,
  noContent,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import {
  EMBED_MODES,
  EMBED_POSITIONS,
  EMBED_THEMES,
  embedInputSchema,
} from '@/lib/embeds/embed-settings';

export { embedInputSchema };

export const embedViewSchema = z
  .object({
    embedKey: z.string().openapi({ description: 'Public id of the widget (`data-avatar`).' }),
    avatarId: z.string(),
    allowedOrigins: z.array(z.string()).openapi({
      description:
        'Sites that may show the widget: `https://shop.example`, or `https://*.example.com` for its subdomains.',
    }),
    greeting: z.string(),
    mode: z.enum(EMBED_MODES),
    theme: z.object({ mode: z.enum(EMBED_THEMES), accent: z.string() }),
    position: z.enum(EMBED_POSITIONS),
    launcherLabel: z.string(),
    microphone: z.boolean(),
    allowSay: z.boolean(),
    maxSessions: z.number().int(),
    maxMinutes: z.number().int(),
    secret: z.string().openapi({
      description: "Signs visitor identities (HS256 JWT of {id, name}) on the site's server.",
    }),
    snippet: z.string().openapi({ description: 'The tag to paste into a page.' }),
    frameUrl: z.string(),
    updatedAt: instant,
  })
  .openapi('AvatarEmbed');

const inputDoc = embedInputSchema.openapi('AvatarEmbedInput', {
  description:
    'Only allowedOrigins is required; other fields keep their value (defaults on first PUT).',
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = {
    path: '/api/v1/avatars/{id}/embed',
    tags: ['Avatars'],
    security: authenticated,
    request: { params: idParams },
  };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: "The avatar's widget settings and snippet.",
    responses: {
      200: jsonResponse(embedViewSchema, 'The settings.'),
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    ...base,
    method: 'put',
    summary: 'Turn the widget on or change its settings.',
    request: { ...base.request, ...jsonBody(inputDoc) },
    responses: {
      200: jsonResponse(embedViewSchema, 'Changed.'),
      201: jsonResponse(embedViewSchema, 'Embedding turned on.'),
      ...errorResponses(404, ...JSON_BODY_ERRORS),
    },
  });
  registry.registerPath({
    ...base,
    method: 'delete',
    summary: 'Turn the widget off (its key stops working).',
    responses: { 204: noContent, ...errorResponses(404) },
  });
}
