/**
 * Which speech synthesiser a session uses, as sent from the app to the worker. Owned by the
 * speech providers work (worker/tts); the app builds it from the avatar's ttsProvider,
 * ttsConfig and its unsealed API key.
 */
import { z } from 'zod';

export const speechProviderSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('flite') }),
  z.object({
    provider: z.literal('openai'),
    /** Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1. */
    baseUrl: z.string().url(),
    apiKey: z.string().optional(),
    model: z.string().min(1),
    voice: z.string().min(1),
  }),
  z.object({ provider: z.literal('espeak'), voice: z.string().min(1).optional() }),
]);
export type SpeechProvider = z.infer<typeof speechProviderSchema>;
