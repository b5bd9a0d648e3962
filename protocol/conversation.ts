/**
 * How an avatar converses, as the app sends it to the worker with each session: the mode
 * (echo: say what is sent; chat: answer with a language model), the model's settings, the
 * persona, the greeting and how much of the session the model remembers, and how the
 * viewers' voices are transcribed. API keys travel sealed in the dispatch metadata
 * (dispatch-metadata.ts), never in clear.
 */
import { z } from 'zod';

export const CONVERSATION_MODES = ['echo', 'chat'] as const;
export type ConversationMode = (typeof CONVERSATION_MODES)[number];

/** Longest persona (the model's system prompt), in characters. */
export const PERSONA_MAX_CHARS = 4000;
/** User/avatar turns of this session sent with each model request: 0-50, default 10. */
export const MEMORY_TURNS_MAX = 50;
export const DEFAULT_MEMORY_TURNS = 10;
/** Longest greeting and fallback line, in characters. */
export const LINE_MAX_CHARS = 500;
/** What the avatar says when the model fails (unreachable, error, empty answer). */
export const DEFAULT_FALLBACK_LINE =
  "Sorry, I can't answer that right now. Please try again in a moment.";

/** An OpenAI-compatible `/v1/chat/completions` endpoint (OpenAI, Ollama, vLLM, llama.cpp…). */
export const llmSettingsSchema = z.object({
  /** Base URL including the version path, e.g. https://api.openai.com/v1. */
  baseUrl: z.string().url(),
  model: z.string().min(1).max(200),
  /** Absent for servers that need none (Ollama); sealed in dispatch metadata. */
  apiKey: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(32_000).optional(),
});
export type LlmSettings = z.infer<typeof llmSettingsSchema>;

/** Silence that ends a user's turn, ms: 200-5000, default 500 (LiveKit's agents wait 500 ms too). */
export const END_OF_TURN_SILENCE_MS = { min: 200, max: 5_000, default: 500 } as const;

/**
 * How the session turns viewers' voices into text. `openai`: any OpenAI-compatible
 * `/v1/audio/transcriptions` (OpenAI, faster-whisper servers, whisper.cpp server); `offline`:
 * the recogniser on the worker host (pocketsphinx, docs/decisions/011); `off`: no voice input.
 */
export const transcriptionSettingsSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('off') }),
  z.object({
    provider: z.literal('offline'),
    endOfTurnSilenceMs: z
      .number()
      .int()
      .min(END_OF_TURN_SILENCE_MS.min)
      .max(END_OF_TURN_SILENCE_MS.max),
  }),
  z.object({
    provider: z.literal('openai'),
    baseUrl: z.string().url(),
    model: z.string().min(1).max(200),
    /** Sealed in dispatch metadata. */
    apiKey: z.string().min(1).optional(),
    /** ISO-639-1 code such as en; absent: the service detects it. */
    language: z.string().min(2).max(20).optional(),
    endOfTurnSilenceMs: z
      .number()
      .int()
      .min(END_OF_TURN_SILENCE_MS.min)
      .max(END_OF_TURN_SILENCE_MS.max),
  }),
]);
export type TranscriptionSettings = z.infer<typeof transcriptionSettingsSchema>;

export const conversationSettingsSchema = z.object({
  mode: z.enum(CONVERSATION_MODES),
  /** Required in chat mode. */
  llm: llmSettingsSchema.optional(),
  persona: z.string().max(PERSONA_MAX_CHARS).default(''),
  /** Spoken when the first viewer joins; empty: none. */
  greeting: z.string().max(LINE_MAX_CHARS).default(''),
  memoryTurns: z.number().int().min(0).max(MEMORY_TURNS_MAX).default(DEFAULT_MEMORY_TURNS),
  fallback: z.string().min(1).max(LINE_MAX_CHARS).default(DEFAULT_FALLBACK_LINE),
  /** Voice input; absent: off. Speakers are those whose tokens may publish a microphone. */
  transcription: transcriptionSettingsSchema.optional(),
});
export type ConversationSettings = z.infer<typeof conversationSettingsSchema>;

/** Echo mode with no greeting: what a session does when the app sends no settings. */
export const DEFAULT_CONVERSATION: ConversationSettings = {
  mode: 'echo',
  persona: '',
  greeting: '',
  memoryTurns: DEFAULT_MEMORY_TURNS,
  fallback: DEFAULT_FALLBACK_LINE,
};
