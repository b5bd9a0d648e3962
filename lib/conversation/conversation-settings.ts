/**
 * An avatar's conversation and voice-input settings (docs/conversation.md): what
 * `PATCH /api/v1/avatars/:id` accepts under `conversation` and `transcription`, how they are
 * stored (`conversationMode`, `conversationConfig` and `transcriptionConfig` without secrets;
 * API keys sealed with the app secret), how responses show them (`hasApiKey`, never a key),
 * and what a session request carries (the key unsealed, on its way to the worker sealed again
 * in the dispatch metadata).
 */
import type { Avatar, Prisma } from '@prisma/client';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { providerBaseUrlProblem } from '@/lib/providers/provider-base-url';
import {
  CONVERSATION_MODES,
  DEFAULT_FALLBACK_LINE,
  DEFAULT_MEMORY_TURNS,
  LINE_MAX_CHARS,
  MEMORY_TURNS_MAX,
  PERSONA_MAX_CHARS,
  type ConversationMode,
  type ConversationSettings,
} from '@/protocol/conversation';
import { SealError, sealSecret, unsealSecret } from '@/protocol/sealing';

const baseUrlSchema = z
  .string()
  .trim()
  .max(500, 'baseUrl is too long')
  .superRefine((value, ctx) => {
    const problem = providerBaseUrlProblem(value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

/** Write-only key: a string sets it, null removes it, absent or "" keeps the stored one. */
const apiKeySchema = z.string().trim().max(1000, 'apiKey is too long').nullable().optional();

/** `conversation.llm` in PATCH /api/v1/avatars/:id (also the Test button's unsaved settings). */
export const llmInputSchema = z
  .object({
    baseUrl: baseUrlSchema.optional(),
    model: z.string().trim().min(1, 'llm.model must not be empty').max(200).optional(),
    apiKey: apiKeySchema,
    temperature: z
      .number({ invalid_type_error: 'llm.temperature must be a number' })
      .min(0, 'llm.temperature must be at least 0')
      .max(2, 'llm.temperature must be at most 2')
      .nullable()
      .optional(),
    maxTokens: z
      .number({ invalid_type_error: 'llm.maxTokens must be a whole number' })
      .int('llm.maxTokens must be a whole number')
      .min(1, 'llm.maxTokens must be at least 1')
      .max(32_000, 'llm.maxTokens must be at most 32000')
      .nullable()
      .optional(),
  })
  .strict();

/** `conversation` in PATCH /api/v1/avatars/:id; every field optional, absent keeps it. */
export const conversationInputSchema = z
  .object({
    mode: z
      .enum(CONVERSATION_MODES, {
        errorMap: () => ({ message: `mode must be one of: ${CONVERSATION_MODES.join(', ')}` }),
      })
      .optional(),
    llm: llmInputSchema.optional(),
    persona: z
      .string()
      .max(PERSONA_MAX_CHARS, `persona must be at most ${PERSONA_MAX_CHARS} characters`)
      .optional(),
    greeting: z
      .string()
      .trim()
      .max(LINE_MAX_CHARS, `greeting must be at most ${LINE_MAX_CHARS} characters`)
      .optional(),
    memoryTurns: z
      .number({ invalid_type_error: 'memoryTurns must be a whole number' })
      .int('memoryTurns must be a whole number')
      .min(0, 'memoryTurns must be at least 0')
      .max(MEMORY_TURNS_MAX, `memoryTurns must be at most ${MEMORY_TURNS_MAX}`)
      .optional(),
    fallback: z
      .string()
      .trim()
      .min(1, 'fallback must not be empty')
      .max(LINE_MAX_CHARS, `fallback must be at most ${LINE_MAX_CHARS} characters`)
      .optional(),
  })
  .strict();
export type ConversationInput = z.infer<typeof conversationInputSchema>;

export const TRANSCRIPTION_PROVIDERS = ['server', 'openai', 'off'] as const;
export const END_OF_TURN_SILENCE_MS = { min: 200, max: 5_000, default: 800 } as const;

/** `transcription` in PATCH /api/v1/avatars/:id. */
export const transcriptionInputSchema = z
  .object({
    /** server: the server's transcriber; openai: this avatar's own endpoint; off: no voice input. */
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

const storedConversationSchema = z.object({
  llm: z
    .object({
      baseUrl: z.string().optional(),
      model: z.string().optional(),
      temperature: z.number().optional(),
      maxTokens: z.number().optional(),
    })
    .default({}),
  persona: z.string().default(''),
  greeting: z.string().default(''),
  memoryTurns: z.number().int().default(DEFAULT_MEMORY_TURNS),
  fallback: z.string().default(DEFAULT_FALLBACK_LINE),
});
type StoredConversation = z.infer<typeof storedConversationSchema>;

const storedTranscriptionSchema = z.object({
  provider: z.enum(TRANSCRIPTION_PROVIDERS).default('server'),
  baseUrl: z.string().optional(),
  model: z.string().optional(),
  language: z.string().optional(),
  endOfTurnSilenceMs: z.number().int().default(END_OF_TURN_SILENCE_MS.default),
});
type StoredTranscription = z.infer<typeof storedTranscriptionSchema>;

function stored<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: Prisma.JsonValue | null): T {
  const parsed = schema.safeParse(value ?? {});
  return parsed.success ? parsed.data : schema.parse({});
}

const modeOf = (value: string): ConversationMode => (value === 'chat' ? 'chat' : 'echo');

type ConversationColumns = Pick<
  Avatar,
  | 'id'
  | 'conversationMode'
  | 'conversationConfig'
  | 'llmApiKeySealed'
  | 'transcriptionConfig'
  | 'transcriptionApiKeySealed'
>;

export interface ConversationView {
  mode: ConversationMode;
  llm: {
    baseUrl?: string;
    model?: string;
    temperature?: number;
    maxTokens?: number;
    hasApiKey: boolean;
  };
  persona: string;
  greeting: string;
  memoryTurns: number;
  fallback: string;
}

export interface TranscriptionView extends Omit<StoredTranscription, 'language'> {
  language?: string;
  hasApiKey: boolean;
}

/** The settings as API responses show them: never a key, only whether there is one. */
export function conversationView(avatar: ConversationColumns): ConversationView {
  const config = stored(storedConversationSchema, avatar.conversationConfig);
  return {
    mode: modeOf(avatar.conversationMode),
    ...config,
    llm: { ...config.llm, hasApiKey: Boolean(avatar.llmApiKeySealed) },
  };
}

export function transcriptionView(avatar: ConversationColumns): TranscriptionView {
  const config = stored(storedTranscriptionSchema, avatar.transcriptionConfig);
  return { ...config, hasApiKey: Boolean(avatar.transcriptionApiKeySealed) };
}

const unprocessable = (message: string) => new ApiError('unprocessable', message);

/** A new sealed key, the stored one, or none: changing baseUrl drops a key not given again. */
function nextKey(options: {
  given: string | null | undefined;
  stored: string | null;
  baseUrlChanged: boolean;
  appSecret: string;
  context: string;
}): string | null {
  if (options.given === null) return null;
  if (options.given) return sealSecret(options.given, options.appSecret, options.context);
  // A key is for one server: never send it to a new one the user did not give it for.
  return options.baseUrlChanged ? null : options.stored;
}

/**
 * The database changes for `conversation` and `transcription` of a PATCH, checked against
 * what is stored: chat mode needs a model (baseUrl and model), an OpenAI-compatible
 * transcriber needs a baseUrl and model. Keys are sealed per avatar and purpose.
 */
export function conversationChanges(
  avatar: ConversationColumns,
  input: { conversation?: ConversationInput; transcription?: TranscriptionInput },
  appSecret: string,
): Prisma.AvatarUpdateInput {
  const data: Prisma.AvatarUpdateInput = {};
  if (input.conversation) {
    const { mode, llm, ...rest } = input.conversation;
    const config: StoredConversation = {
      ...stored(storedConversationSchema, avatar.conversationConfig),
      ...rest,
    };
    let sealed = avatar.llmApiKeySealed;
    if (llm) {
      const { apiKey, temperature, maxTokens, ...plain } = llm;
      const baseUrlChanged = plain.baseUrl !== undefined && plain.baseUrl !== config.llm.baseUrl;
      config.llm = { ...config.llm, ...plain };
      if (temperature !== undefined) config.llm.temperature = temperature ?? undefined;
      if (maxTokens !== undefined) config.llm.maxTokens = maxTokens ?? undefined;
      sealed = nextKey({
        given: apiKey,
        stored: sealed,
        baseUrlChanged,
        appSecret,
        context: `${avatar.id}:llm`,
      });
    }
    const nextMode = mode ?? modeOf(avatar.conversationMode);
    if (nextMode === 'chat' && (!config.llm.baseUrl || !config.llm.model)) {
      throw unprocessable(
        'Chat mode needs a language model: give conversation.llm.baseUrl and conversation.llm.model (for a local Ollama: baseUrl http://localhost:11434/v1, model llama3.2).',
      );
    }
    data.conversationMode = nextMode;
    data.conversationConfig = config;
    data.llmApiKeySealed = sealed;
  }
  if (input.transcription) {
    const { apiKey, language, ...rest } = input.transcription;
    const current = stored(storedTranscriptionSchema, avatar.transcriptionConfig);
    const config: StoredTranscription = { ...current, ...rest };
    if (language !== undefined) config.language = language ?? undefined;
    const baseUrlChanged = rest.baseUrl !== undefined && rest.baseUrl !== current.baseUrl;
    if (config.provider === 'openai' && (!config.baseUrl || !config.model)) {
      throw unprocessable(
        'To transcribe through an OpenAI-compatible API, give transcription.baseUrl and transcription.model (for OpenAI: https://api.openai.com/v1 and whisper-1).',
      );
    }
    data.transcriptionConfig = config;
    data.transcriptionApiKeySealed = nextKey({
      given: apiKey,
      stored: avatar.transcriptionApiKeySealed,
      baseUrlChanged,
      appSecret,
      context: `${avatar.id}:transcription`,
    });
  }
  return data;
}

function unsealed(sealed: string | null, appSecret: string, context: string, what: string) {
  if (!sealed) return undefined;
  try {
    return unsealSecret(sealed, appSecret, context);
  } catch (error) {
    if (!(error instanceof SealError)) throw error;
    throw new ApiError(
      'conflict',
      `The avatar's ${what} API key can no longer be read (the server's AUTH_SECRET changed). Enter the key again in the avatar's conversation settings.`,
    );
  }
}

/** The avatar's stored language-model API key, unsealed; undefined when none is stored. */
export function storedLlmApiKey(
  avatar: ConversationColumns,
  env: { AUTH_SECRET: string },
): string | undefined {
  return unsealed(avatar.llmApiKeySealed, env.AUTH_SECRET, `${avatar.id}:llm`, 'language model');
}

/** What a session of this avatar converses with; the model's key unsealed for the worker. */
export function conversationFor(
  avatar: ConversationColumns,
  env: { AUTH_SECRET: string },
): ConversationSettings {
  const view = conversationView(avatar);
  const { baseUrl, model, temperature, maxTokens } = view.llm;
  const apiKey = storedLlmApiKey(avatar, env);
  const llm =
    baseUrl && model
      ? {
          baseUrl,
          model,
          ...(apiKey ? { apiKey } : {}),
          ...(temperature !== undefined ? { temperature } : {}),
          ...(maxTokens !== undefined ? { maxTokens } : {}),
        }
      : undefined;
  return {
    // A chat avatar whose model settings were removed outside the API falls back to echo.
    mode: view.mode === 'chat' && llm ? 'chat' : 'echo',
    ...(llm ? { llm } : {}),
    persona: view.persona,
    greeting: view.greeting,
    memoryTurns: Math.min(MEMORY_TURNS_MAX, Math.max(0, view.memoryTurns)),
    fallback: view.fallback.trim() === '' ? DEFAULT_FALLBACK_LINE : view.fallback,
  };
}
