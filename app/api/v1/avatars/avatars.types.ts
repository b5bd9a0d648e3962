/** Schemas of /api/v1/avatars (the view: lib/avatars/avatar-view.ts). */
import {
  authenticated,
  errorResponses,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { TRANSCRIPTION_PROVIDERS } from '@/lib/conversation/transcription-settings';
import { framingSchema } from '@/lib/avatars/framings';
import { CONVERSATION_MODES } from '@/protocol/conversation';
import { SPEECH_PROVIDERS } from '@/protocol/speech-provider';
import { VOICES } from '@/protocol/voices';

const binary = (description: string) =>
  z.string().optional().openapi({ type: 'string', format: 'binary', description });

/** The multipart form of POST /api/v1/avatars: exactly one of file, image, video. */
export const createAvatarFormSchema = z.object({
  name: z.string().openapi({ description: 'At most 80 characters.' }),
  file: binary('A JPEG, PNG or WebP portrait, or an MP4 or WebM video.'),
  image: binary('Same as file.'),
  video: binary('Same as file.'),
  framing: framingSchema.optional(),
  voice: z
    .string()
    .optional()
    .openapi({ description: `A built-in voice: ${VOICES.map((v) => v.id).join(', ')}.` }),
  speechRate: z.string().optional().openapi({ description: 'A number; 1 = natural pace.' }),
});

export const avatarSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(['preparing', 'ready', 'failed']),
    error: z.string().optional(),
    progress: z.number().min(0).max(100).openapi({ description: 'Preparation, percent.' }),
    stage: z.string().optional(),
    sourceKind: z.enum(['image', 'video']),
    framing: z.string(),
    widthPx: z.number().int().optional(),
    heightPx: z.number().int().optional(),
    frameCount: z.number().int().optional(),
    voice: z.string(),
    speechRate: z.number(),
    speech: z.object({
      provider: z.enum(SPEECH_PROVIDERS),
      openai: z.object({
        baseUrl: z.string().optional(),
        model: z.string().optional(),
        voice: z.string().optional(),
        hasApiKey: z.boolean(),
      }),
      espeak: z.object({ voice: z.string().optional() }),
    }),
    conversation: z.object({
      mode: z.enum(CONVERSATION_MODES),
      llm: z.object({
        baseUrl: z.string().optional(),
        model: z.string().optional(),
        temperature: z.number().optional(),
        maxTokens: z.number().optional(),
        hasApiKey: z.boolean(),
      }),
      persona: z.string(),
      greeting: z.string(),
      memoryTurns: z.number().int(),
      fallback: z.string(),
    }),
    transcription: z.object({
      provider: z.enum(TRANSCRIPTION_PROVIDERS),
      baseUrl: z.string().optional(),
      model: z.string().optional(),
      language: z.string().optional(),
      endOfTurnSilenceMs: z.number().int(),
      hasApiKey: z.boolean(),
    }),
    hasLipSyncModel: z.boolean(),
    createdAt: instant,
  })
  .openapi('Avatar');

export const avatarListSchema = z.object({ avatars: z.array(avatarSchema) });

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/avatars',
    tags: ['Avatars'],
    summary: "The caller's avatars, newest first.",
    security: authenticated,
    responses: { 200: jsonResponse(avatarListSchema, 'The avatars.'), ...errorResponses() },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/avatars',
    tags: ['Avatars'],
    summary: 'Create an avatar from a portrait image or a video; it is prepared in the background.',
    security: authenticated,
    request: {
      body: {
        required: true,
        content: { 'multipart/form-data': { schema: createAvatarFormSchema } },
      },
    },
    responses: {
      201: jsonResponse(avatarSchema, 'The avatar, `preparing`.'),
      ...errorResponses(400, 413, 415, 422, 503, 507),
    },
  });
}
