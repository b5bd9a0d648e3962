/** Schemas of POST /api/v1/sessions/:id/speak-audio (the upload: lib/sessions/speak-audio.ts). */
import {
  authenticated,
  errorResponses,
  idParams,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { CLIP_MAX_UPLOAD_BYTES } from '@/lib/clips/decode-audio-clip';

/** The multipart form (read by readClipUpload, not by this schema: fields are files). */
export const speakAudioFormSchema = z.object({
  audio: z.string().openapi({
    type: 'string',
    format: 'binary',
    description: `WAV, MP3, OGG or WebM; at most 60 s and ${CLIP_MAX_UPLOAD_BYTES / 1024 / 1024} MB.`,
  }),
  interrupt: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'Drop what the avatar is saying first (default "false").' }),
});

export const speakAudioResultSchema = z.object({
  accepted: z.literal(true),
  durationMs: z.number().min(0).openapi({ description: 'The clip length, ms.' }),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/sessions/{id}/speak-audio',
    tags: ['Speech'],
    summary: 'Make the avatar say an uploaded audio clip, lip-synced.',
    description: '409 when the session is not live.',
    security: authenticated,
    request: {
      params: idParams,
      body: {
        required: true,
        content: { 'multipart/form-data': { schema: speakAudioFormSchema } },
      },
    },
    responses: {
      202: jsonResponse(speakAudioResultSchema, 'Queued.'),
      ...errorResponses(400, 404, 409, 413, 415, 422, 503, 507),
    },
  });
}
