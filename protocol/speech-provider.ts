/**
 * Which speech synthesiser a session uses, as sent from the app to the worker. Owned by the
 * speech providers work (worker/tts); the app builds it from the avatar's ttsProvider,
 * ttsConfig and its unsealed API key (lib/sessions/speech-config.ts).
 */
import { z } from 'zod';

export const SPEECH_PROVIDERS = ['flite', 'openai', 'espeak'] as const;
export type SpeechProviderId = (typeof SPEECH_PROVIDERS)[number];

/** Names for people, in the order the settings form lists them. */
export const SPEECH_PROVIDER_LABELS: Record<SpeechProviderId, string> = {
  flite: 'Built-in voices (Flite, offline)',
  openai: 'OpenAI-compatible speech API',
  espeak: 'eSpeak NG (opt-in GPL plugin, many languages)',
};

/** Voices OpenAI's speech API offers; self-hosted servers may name others (any name is accepted). */
export const OPENAI_VOICE_SUGGESTIONS = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'fable',
  'nova',
  'onyx',
  'sage',
  'shimmer',
  'verse',
] as const;
export const OPENAI_MODEL_SUGGESTIONS = ['gpt-4o-mini-tts', 'tts-1', 'tts-1-hd'] as const;

/** eSpeak NG voices offered in the settings (its identifiers; the plugin has ~140). */
export const ESPEAK_VOICES = [
  { id: 'en-us', label: 'English (America)' },
  { id: 'en', label: 'English (Great Britain)' },
  { id: 'en-gb-scotland', label: 'English (Scotland)' },
  { id: 'de', label: 'German' },
  { id: 'fr', label: 'French' },
  { id: 'es', label: 'Spanish' },
  { id: 'it', label: 'Italian' },
  { id: 'pt', label: 'Portuguese' },
  { id: 'nl', label: 'Dutch' },
  { id: 'pl', label: 'Polish' },
  { id: 'sv', label: 'Swedish' },
  { id: 'ru', label: 'Russian' },
  { id: 'hi', label: 'Hindi' },
  { id: 'cmn', label: 'Chinese (Mandarin)' },
  { id: 'ja', label: 'Japanese' },
] as const;
export type EspeakVoiceId = (typeof ESPEAK_VOICES)[number]['id'];
export const DEFAULT_ESPEAK_VOICE: EspeakVoiceId = 'en-us';

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
