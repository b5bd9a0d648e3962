/**
 * What the conversation and transcription settings share: the provider's base URL and the
 * write-only API key as PATCH accepts them, reading the stored JSON columns, and sealing and
 * unsealing keys per avatar and purpose (`${avatar.id}:llm`, `${avatar.id}:transcription`).
 */
import type { Avatar, Prisma } from '@prisma/client';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { providerBaseUrlProblem } from '@/lib/providers/provider-base-url';
import { SealError, sealSecret, unsealSecret } from '@/protocol/sealing';

export const baseUrlSchema = z
  .string()
  .trim()
  .max(500, 'baseUrl is too long')
  .superRefine((value, ctx) => {
    const problem = providerBaseUrlProblem(value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

/** Write-only key: a string sets it, null removes it, absent or "" keeps the stored one. */
export const apiKeySchema = z.string().trim().max(1000, 'apiKey is too long').nullable().optional();

/** The avatar columns the conversation and transcription settings live in. */
export type ConversationColumns = Pick<
  Avatar,
  | 'id'
  | 'conversationMode'
  | 'conversationConfig'
  | 'llmApiKeySealed'
  | 'transcriptionConfig'
  | 'transcriptionApiKeySealed'
>;

/** A stored JSON column read with its schema; damaged or missing: the schema's defaults. */
export function stored<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: Prisma.JsonValue | null,
): T {
  const parsed = schema.safeParse(value ?? {});
  return parsed.success ? parsed.data : schema.parse({});
}

export const unprocessable = (message: string) => new ApiError('unprocessable', message);

/** A new sealed key, the stored one, or none: changing baseUrl drops a key not given again. */
export function nextKey(options: {
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

/** A stored key unsealed; a conflict that says to enter it again when it cannot be read. */
export function unsealed(
  sealed: string | null,
  appSecret: string,
  context: string,
  what: string,
): string | undefined {
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
