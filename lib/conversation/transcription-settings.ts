/**
 * An avatar's voice-input settings (docs/conversation.md): what `PATCH /api/v1/avatars/:id`
 * accepts under `transcription`, how it is stored (`transcriptionConfig` without the key, the
 * key sealed in `transcriptionApiKeySealed`), how responses show it (`hasApiKey`), and what
 * a session gets (transcriptionFor): the avatar's own OpenAI-compatible transcriber with its
 * key unsealed, or the server's default from FACECAST_TRANSCRIBER*, or off.
 */
import type { Prisma } from '@prisma/client';
import { z } from 'zod';
import type { AppEnv } from '@/lib/config/env';
import { END_OF_TURN_SILENCE_MS, type TranscriptionSettings } from '@/protocol/conversation';
import {
  apiKeySchema,
  baseUrlSchema,
  nextKey,
  stored,
  unprocessable,
  unsealed,
  type ConversationColumns,
} from './settings-fields';

/** server: the server's transcriber; openai: the avatar's own endpoint; off: no voice input. */
export const TRANSCRIPTION_PROVIDERS = ['server', 'openai', 'off'] as const;

/** `transcription` in PATCH /api/v1/avatars/:id. */
export const transcriptionInputSchema = z
  .object({
    provider: z
      .enum(TRANSCRIPTION_PROVIDERS, {
        errorMap: () => ({
          message: `transcription.provider must be one of: ${TRANSCRIPTION_PROVIDERS.join(', ')}`,
        }),
      })
      .optional(),
    baseUrl: baseUrlSchema.optional(),
    model: z.string().trim().min(1).max(200).optional(),
    apiKey: apiKeySchema,
    language: z
      .string()
      .trim()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$/, 'language must be a code such as en or pt-BR')
      .nullable()
      .optional(),
    endOfTurnSilenceMs: z
      .number({ invalid_type_error: 'endOfTurnSilenceMs must be a number of milliseconds' })
      .int()
      .min(
        END_OF_TURN_SILENCE_MS.min,
        `endOfTurnSilenceMs must be at least ${END_OF_TURN_SILENCE_MS.min}`,
      )
      .max(
        END_OF_TURN_SILENCE_MS.max,
        `endOfTurnSilenceMs must be at most ${END_OF_TURN_SILENCE_MS.max}`,
      )
      .optional(),
  })
  .strict();
export type TranscriptionInput = z.infer<typeof transcriptionInputSchema>;

const storedTranscriptionSchema = z.object({
  provider: z.enum(TRANSCRIPTION_PROVIDERS).default('server'),
  baseUrl: z.string().optional(),
  model: z.string().optional(),
  language: z.string().optional(),
  endOfTurnSilenceMs: z.number().int().default(END_OF_TURN_SILENCE_MS.default),
});
type StoredTranscription = z.infer<typeof storedTranscriptionSchema>;

export interface TranscriptionView extends Omit<StoredTranscription, 'language'> {
  language?: string;
  hasApiKey: boolean;
}

/** The settings as API responses show them: never a key, only whether there is one. */
export function transcriptionView(avatar: ConversationColumns): TranscriptionView {
  const config = stored(storedTranscriptionSchema, avatar.transcriptionConfig);
  return { ...config, hasApiKey: Boolean(avatar.transcriptionApiKeySealed) };
}

/**
 * The database changes for `transcription` of a PATCH, checked against what is stored: an
 * OpenAI-compatible transcriber needs a baseUrl and model. The key is sealed for this avatar.
 */
export function transcriptionChanges(
  avatar: ConversationColumns,
  input: TranscriptionInput,
  appSecret: string,
): Prisma.AvatarUpdateInput {
  const { apiKey, language, ...rest } = input;
  const current = stored(storedTranscriptionSchema, avatar.transcriptionConfig);
  const config: StoredTranscription = { ...current, ...rest };
  if (language !== undefined) config.language = language ?? undefined;
  const baseUrlChanged = rest.baseUrl !== undefined && rest.baseUrl !== current.baseUrl;
  if (config.provider === 'openai' && (!config.baseUrl || !config.model)) {
    throw unprocessable(
      'To transcribe through an OpenAI-compatible API, give transcription.baseUrl and transcription.model (for OpenAI: https://api.openai.com/v1 and whisper-1).',
    );
  }
  return {
    transcriptionConfig: config,
    transcriptionApiKeySealed: nextKey({
      given: apiKey,
      stored: avatar.transcriptionApiKeySealed,
      baseUrlChanged,
      appSecret,
      context: `${avatar.id}:transcription`,
    }),
  };
}

/** The server's default transcriber (FACECAST_TRANSCRIBER*, lib/config/env.ts). */
export type TranscriberEnv = Pick<
  AppEnv,
  | 'FACECAST_TRANSCRIBER'
  | 'FACECAST_TRANSCRIBER_URL'
  | 'FACECAST_TRANSCRIBER_MODEL'
  | 'FACECAST_TRANSCRIBER_API_KEY'
  | 'FACECAST_TRANSCRIBER_LANGUAGE'
>;

const clampSilenceMs = (ms: number) =>
  Math.min(END_OF_TURN_SILENCE_MS.max, Math.max(END_OF_TURN_SILENCE_MS.min, ms));

/** How the server's default transcriber reads in the avatar settings' provider choice. */
export function serverTranscriberLabel(env: TranscriberEnv): string {
  switch (env.FACECAST_TRANSCRIBER) {
    case 'offline':
      return 'Server default (offline recogniser)';
    case 'openai':
      return `Server default (${env.FACECAST_TRANSCRIBER_MODEL} at ${hostOf(env.FACECAST_TRANSCRIBER_URL)})`;
    case 'off':
      return 'Server default (off: no voice input)';
  }
}

function hostOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').host;
  } catch {
    return 'an OpenAI-compatible API';
  }
}

/**
 * How a session of this avatar transcribes its speakers: the avatar's own OpenAI-compatible
 * transcriber (key unsealed for the worker), the server's default, or off. An avatar whose own
 * transcriber lost its baseUrl or model outside the API uses the server's default.
 */
export function transcriptionFor(
  avatar: ConversationColumns,
  env: { AUTH_SECRET: string } & TranscriberEnv,
): TranscriptionSettings {
  const view = transcriptionView(avatar);
  const endOfTurnSilenceMs = clampSilenceMs(view.endOfTurnSilenceMs);
  if (view.provider === 'off') return { provider: 'off' };
  if (view.provider === 'openai' && view.baseUrl && view.model) {
    const apiKey = unsealed(
      avatar.transcriptionApiKeySealed,
      env.AUTH_SECRET,
      `${avatar.id}:transcription`,
      'transcription',
    );
    return {
      provider: 'openai',
      baseUrl: view.baseUrl,
      model: view.model,
      ...(apiKey ? { apiKey } : {}),
      ...(view.language ? { language: view.language } : {}),
      endOfTurnSilenceMs,
    };
  }
  switch (env.FACECAST_TRANSCRIBER) {
    case 'off':
      return { provider: 'off' };
    case 'offline':
      return { provider: 'offline', endOfTurnSilenceMs };
    case 'openai': {
      // parseEnv refuses openai without a URL; a hand-made env without one means off.
      if (!env.FACECAST_TRANSCRIBER_URL) return { provider: 'off' };
      const language = view.language ?? env.FACECAST_TRANSCRIBER_LANGUAGE;
      return {
        provider: 'openai',
        baseUrl: env.FACECAST_TRANSCRIBER_URL,
        model: env.FACECAST_TRANSCRIBER_MODEL,
        ...(env.FACECAST_TRANSCRIBER_API_KEY ? { apiKey: env.FACECAST_TRANSCRIBER_API_KEY } : {}),
        ...(language ? { language } : {}),
        endOfTurnSilenceMs,
      };
    }
  }
}
