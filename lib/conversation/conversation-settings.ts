/**
 * An avatar's conversation settings (docs/conversation.md): what `PATCH /api/v1/avatars/:id`
 * accepts under `conversation`, how they are stored (`conversationMode` and
 * `conversationConfig` without secrets; the model's API key sealed with the app secret), how
 * responses show them (`hasApiKey`, never a key), and what a session request carries (the key
 * unsealed, on its way to the worker sealed again in the dispatch metadata), with the voice
 * input of transcription-settings.ts.
 */
import type { Prisma } from '@prisma/client';
import { z } from 'zod';
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
import {
  apiKeySchema,
  baseUrlSchema,
  nextKey,
  stored,
  unprocessable,
  unsealed,
  type ConversationColumns,
} from './settings-fields';
import { transcriptionFor, type TranscriberEnv } from './transcription-settings';

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

const modeOf = (value: string): ConversationMode => (value === 'chat' ? 'chat' : 'echo');

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

/** The settings as API responses show them: never a key, only whether there is one. */
export function conversationView(avatar: ConversationColumns): ConversationView {
  const config = stored(storedConversationSchema, avatar.conversationConfig);
  return {
    mode: modeOf(avatar.conversationMode),
    ...config,
    llm: { ...config.llm, hasApiKey: Boolean(avatar.llmApiKeySealed) },
  };
}

/**
 * The database changes for `conversation` of a PATCH, checked against what is stored: chat
 * mode needs a model (baseUrl and model). The model's key is sealed for this avatar.
 */
export function conversationChanges(
  avatar: ConversationColumns,
  input: ConversationInput,
  appSecret: string,
): Prisma.AvatarUpdateInput {
  const { mode, llm, ...rest } = input;
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
  return { conversationMode: nextMode, conversationConfig: config, llmApiKeySealed: sealed };
}

/** The avatar's stored language-model API key, unsealed; undefined when none is stored. */
export function storedLlmApiKey(
  avatar: ConversationColumns,
  env: { AUTH_SECRET: string },
): string | undefined {
  return unsealed(avatar.llmApiKeySealed, env.AUTH_SECRET, `${avatar.id}:llm`, 'language model');
}

/**
 * What a session of this avatar converses with and how it hears its speakers; keys unsealed
 * for the worker.
 */
export function conversationFor(
  avatar: ConversationColumns,
  env: { AUTH_SECRET: string } & TranscriberEnv,
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
    transcription: transcriptionFor(avatar, env),
  };
}
