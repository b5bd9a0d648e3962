/** Schemas of GET /api/v1/voices (protocol/voices.ts, protocol/speech-provider.ts). */
import {
  authenticated,
  errorResponses,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { SPEECH_PROVIDERS } from '@/protocol/speech-provider';

const voiceSchema = z.object({ id: z.string(), label: z.string() });
/** The lists are constants of protocol/: readonly. */
const voiceList = z.array(voiceSchema).readonly();

export const voicesSchema = z.object({
  voices: voiceList.openapi({ description: 'The built-in voices.' }),
  default: z.string(),
  speechRate: z.object({ min: z.number(), max: z.number(), default: z.number() }),
  providers: z.array(
    z.object({
      id: z.enum(SPEECH_PROVIDERS),
      label: z.string(),
      available: z.boolean(),
      unavailableReason: z.string().optional(),
      voices: voiceList,
      default: z.string().optional(),
      models: z.array(z.string()).readonly().optional(),
    }),
  ),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/voices',
    tags: ['Avatars'],
    summary: 'The voices and speech providers avatars can use.',
    security: authenticated,
    responses: { 200: jsonResponse(voicesSchema, 'Voices and providers.'), ...errorResponses() },
  });
}
