/**
 * The avatar page's "Test" button: `POST /api/v1/avatars/:id/conversation/test` makes one real
 * request to the language model the form describes (unsaved values over the stored ones) and
 * reports the answer and latency, or the provider's failure as the user should read it. The
 * user's provider failing is an answer (`ok: false`), not an error of ours.
 */
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { ApiError, notFound } from '@/lib/api/errors';
import {
  ChatModelError,
  testChatModel,
  type ChatModelErrorCode,
  type ChatModelSettings,
} from '@/protocol/providers/chat-model';
import { guardedFetch, PUBLIC_ONLY, type OutboundPolicy } from '@/protocol/providers/outbound';
import { conversationView, llmInputSchema, storedLlmApiKey } from './conversation-settings';

/** Longest test prompt, in characters. */
export const TEST_PROMPT_MAX_CHARS = 1000;
/** The whole test request, request to last token, must finish within this (ms). */
export const TEST_TIMEOUT_MS = 20_000;

export const chatModelTestBodySchema = z
  .object({
    /** The form's settings; absent fields use the stored ones. `apiKey: null`: test without one. */
    llm: llmInputSchema.optional(),
    prompt: z
      .string()
      .trim()
      .min(1, 'prompt must not be empty')
      .max(TEST_PROMPT_MAX_CHARS, `prompt must be at most ${TEST_PROMPT_MAX_CHARS} characters`)
      .optional(),
  })
  .strict();
export type ChatModelTestBody = z.infer<typeof chatModelTestBodySchema>;

export type ChatModelTestResult =
  | { ok: true; text: string; latencyMs: number }
  | { ok: false; error: { code: ChatModelErrorCode; message: string; status?: number } };

/**
 * The settings to test: given values over stored ones. The stored key is used only when no
 * key is given and the base URL is the stored one, so a key never goes to a server it was not
 * saved for.
 */
function settingsToTest(
  stored: ReturnType<typeof conversationView>['llm'],
  given: ChatModelTestBody['llm'],
  storedKey: () => string | undefined,
): ChatModelSettings {
  const baseUrl = given?.baseUrl ?? stored.baseUrl;
  const model = given?.model ?? stored.model;
  if (!baseUrl || !model) {
    throw new ApiError(
      'unprocessable',
      'Give llm.baseUrl and llm.model to test a language model (for a local Ollama: baseUrl http://localhost:11434/v1, model llama3.2).',
    );
  }
  const temperature = given?.temperature === undefined ? stored.temperature : given.temperature;
  const maxTokens = given?.maxTokens === undefined ? stored.maxTokens : given.maxTokens;
  const apiKey =
    given?.apiKey === null
      ? undefined
      : given?.apiKey
        ? given.apiKey
        : baseUrl === stored.baseUrl
          ? storedKey()
          : undefined;
  return {
    baseUrl,
    model,
    ...(apiKey ? { apiKey } : {}),
    ...(temperature != null ? { temperature } : {}),
    ...(maxTokens != null ? { maxTokens } : {}),
  };
}

/** Tests the model for the user's own avatar (another user's avatar: 404). */
export async function testAvatarChatModel(
  prisma: PrismaClient,
  options: {
    userId: string;
    avatarId: string;
    body: ChatModelTestBody;
    appSecret: string;
    /** The request's signal: the user went away, stop waiting for the model. */
    signal?: AbortSignal;
    /** Where the model URL may point; checked for the request and each redirect. */
    outbound?: OutboundPolicy;
  },
): Promise<ChatModelTestResult> {
  const avatar = await prisma.avatar.findFirst({
    where: { id: options.avatarId, userId: options.userId },
  });
  if (!avatar) throw notFound('Avatar');
  const settings = {
    ...settingsToTest(conversationView(avatar).llm, options.body.llm, () =>
      storedLlmApiKey(avatar, { AUTH_SECRET: options.appSecret }),
    ),
    fetch: guardedFetch(options.outbound ?? PUBLIC_ONLY),
  };
  try {
    const answer = await testChatModel(settings, {
      ...(options.body.prompt ? { prompt: options.body.prompt } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      timeoutMs: TEST_TIMEOUT_MS,
    });
    return { ok: true, text: answer.text, latencyMs: Math.round(answer.latencyMs) };
  } catch (error) {
    if (!(error instanceof ChatModelError)) throw error;
    return {
      ok: false,
      error: {
        code: error.code,
        message: error.message,
        ...(error.status !== undefined ? { status: error.status } : {}),
      },
    };
  }
}
