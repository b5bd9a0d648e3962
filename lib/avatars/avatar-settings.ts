/**
 * The settings an avatar can change after creation: name, built-in voice and rate, and its
 * speech provider (docs/speech.md). Provider settings live in `ttsConfig` (no secrets) with
 * one entry per provider, so switching back and forth keeps what was entered; the API key is
 * sealed into `ttsApiKeySealed` (protocol/sealing.ts) and only ever reported as `hasApiKey`.
 */
import type { Avatar, Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { ApiError, notFound } from '@/lib/api/errors';
import { sealSecret } from '@/protocol/sealing';
import { SPEECH_RATE_MAX, SPEECH_RATE_MIN, VOICES, type VoiceId } from '@/protocol/voices';
import {
  ESPEAK_VOICES,
  SPEECH_PROVIDERS,
  type EspeakVoiceId,
  type SpeechProviderId,
} from '@/protocol/speech-provider';
import { assertProviderUrls } from '@/lib/providers/outbound-policy';
import { providerBaseUrlProblem } from '@/lib/providers/provider-base-url';
import { PUBLIC_ONLY, type OutboundPolicy } from '@/protocol/providers/outbound';
import {
  conversationChanges,
  conversationInputSchema,
} from '@/lib/conversation/conversation-settings';
import {
  transcriptionChanges,
  transcriptionInputSchema,
} from '@/lib/conversation/transcription-settings';
import { pluginStatus, type PluginLocation } from '@/protocol/plugins';

const voiceIds = VOICES.map((v) => v.id) as [VoiceId, ...VoiceId[]];
const espeakVoiceIds = ESPEAK_VOICES.map((v) => v.id) as [EspeakVoiceId, ...EspeakVoiceId[]];

export const voiceSchema = z.enum(voiceIds, {
  errorMap: () => ({ message: `voice must be one of: ${voiceIds.join(', ')}` }),
});

export const speechRateSchema = z.coerce
  .number({ invalid_type_error: 'speechRate must be a number' })
  .min(SPEECH_RATE_MIN, `speechRate must be at least ${SPEECH_RATE_MIN}`)
  .max(SPEECH_RATE_MAX, `speechRate must be at most ${SPEECH_RATE_MAX}`);

export const avatarNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the avatar a name.')
  .max(80, 'Use at most 80 characters for the name.');

const speechSettingsSchema = z
  .object({
    baseUrl: z
      .string()
      .trim()
      .max(500, 'baseUrl is too long')
      .superRefine((value, ctx) => {
        const problem = providerBaseUrlProblem(value);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      })
      .optional(),
    model: z
      .string()
      .trim()
      .min(1, 'model must not be empty')
      .max(100, 'model is too long')
      .optional(),
    voice: z
      .string()
      .trim()
      .min(1, 'voice must not be empty')
      .max(100, 'voice is too long')
      .optional(),
    /** Write-only. A string sets it, null removes it, absent or "" keeps the stored one. */
    apiKey: z.string().trim().max(1000, 'apiKey is too long').nullable().optional(),
  })
  .strict();
export type SpeechSettingsInput = z.infer<typeof speechSettingsSchema>;

/** The settings an avatar can change after creation (PATCH /api/v1/avatars/:id). */
export const avatarSettingsSchema = z
  .object({
    name: avatarNameSchema.optional(),
    voice: voiceSchema.optional(),
    speechRate: speechRateSchema.optional(),
    ttsProvider: z
      .enum(SPEECH_PROVIDERS, {
        errorMap: () => ({ message: `ttsProvider must be one of: ${SPEECH_PROVIDERS.join(', ')}` }),
      })
      .optional(),
    tts: speechSettingsSchema.optional(),
    conversation: conversationInputSchema.optional(),
    transcription: transcriptionInputSchema.optional(),
  })
  .strict();
export type AvatarSettings = z.infer<typeof avatarSettingsSchema>;

/** What `ttsConfig` holds: each provider's settings, without secrets. */
export const storedSpeechConfigSchema = z.object({
  openai: z
    .object({
      baseUrl: z.string().optional(),
      model: z.string().optional(),
      voice: z.string().optional(),
    })
    .optional(),
  espeak: z.object({ voice: z.string().optional() }).optional(),
});
export type StoredSpeechConfig = z.infer<typeof storedSpeechConfigSchema>;

/** The stored config, or an empty one when the column is empty or not in this shape. */
export function storedSpeechConfig(value: Prisma.JsonValue | null): StoredSpeechConfig {
  const parsed = storedSpeechConfigSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

export function storedProvider(value: string): SpeechProviderId {
  return (SPEECH_PROVIDERS as readonly string[]).includes(value)
    ? (value as SpeechProviderId)
    : 'flite';
}

/** The speech settings as API responses show them: never the key, only whether there is one. */
export interface SpeechSettingsView {
  provider: SpeechProviderId;
  openai: { baseUrl?: string; model?: string; voice?: string; hasApiKey: boolean };
  espeak: { voice?: string };
}

export function speechSettingsView(
  avatar: Pick<Avatar, 'ttsProvider' | 'ttsConfig' | 'ttsApiKeySealed'>,
): SpeechSettingsView {
  const config = storedSpeechConfig(avatar.ttsConfig);
  return {
    provider: storedProvider(avatar.ttsProvider),
    openai: { ...config.openai, hasApiKey: Boolean(avatar.ttsApiKeySealed) },
    espeak: { ...config.espeak },
  };
}

export interface UpdateAvatarSettingsOptions {
  userId: string;
  avatarId: string;
  changes: AvatarSettings;
  /** The app secret the API key is sealed with (AUTH_SECRET). */
  appSecret: string;
  /** Enabled plugins (FACECAST_PLUGINS), to refuse providers this server cannot run. */
  plugins: readonly string[];
  pluginLocation?: PluginLocation;
  /** Where the provider URLs being set may point (lib/providers/outbound-policy.ts). */
  outbound?: OutboundPolicy;
}

const unprocessable = (message: string) => new ApiError('unprocessable', message);

/**
 * Applies validated settings to one of the user's avatars and returns it; another user's
 * avatar is "not found". Refuses, with what to do, an incomplete OpenAI-compatible setup,
 * settings that do not belong to the chosen provider, and eSpeak when its plugin is missing.
 */
export async function updateAvatarSettings(
  prisma: PrismaClient,
  options: UpdateAvatarSettingsOptions,
): Promise<Avatar> {
  const { userId, avatarId, changes } = options;
  const avatar = await prisma.avatar.findFirst({ where: { id: avatarId, userId } });
  if (!avatar) throw notFound('Avatar');
  const { tts, ttsProvider, conversation, transcription, ...plain } = changes;
  await assertProviderUrls(
    {
      'tts.baseUrl': tts?.baseUrl,
      'conversation.llm.baseUrl': conversation?.llm?.baseUrl,
      'transcription.baseUrl': transcription?.baseUrl,
    },
    options.outbound ?? PUBLIC_ONLY,
  );
  const provider = ttsProvider ?? storedProvider(avatar.ttsProvider);
  const config = storedSpeechConfig(avatar.ttsConfig);
  let sealedKey = avatar.ttsApiKeySealed;

  if (tts && Object.keys(tts).length > 0) {
    const given = Object.keys(tts).join(', ');
    if (provider === 'flite')
      throw unprocessable(
        `The built-in voices take no "tts" settings (got ${given}): use "voice" and "speechRate", or set ttsProvider to "openai" or "espeak".`,
      );
    if (provider === 'openai') {
      const { apiKey, ...rest } = tts;
      config.openai = { ...config.openai, ...rest };
      if (apiKey === null) sealedKey = null;
      else if (apiKey) sealedKey = sealSecret(apiKey, options.appSecret, avatar.id);
    } else {
      if (tts.baseUrl !== undefined || tts.model !== undefined || tts.apiKey !== undefined)
        throw unprocessable(`eSpeak NG takes only tts.voice (got ${given}).`);
      if (tts.voice !== undefined) {
        if (!(espeakVoiceIds as readonly string[]).includes(tts.voice))
          throw unprocessable(
            `tts.voice for eSpeak NG must be one of: ${espeakVoiceIds.join(', ')}`,
          );
        config.espeak = { voice: tts.voice };
      }
    }
  }

  if (provider === 'openai') {
    const missing = (['baseUrl', 'model', 'voice'] as const).filter((k) => !config.openai?.[k]);
    if (missing.length > 0)
      throw unprocessable(
        `To speak through an OpenAI-compatible API, give ${missing.map((k) => `tts.${k}`).join(', ')} (for OpenAI: baseUrl https://api.openai.com/v1, model gpt-4o-mini-tts, voice alloy).`,
      );
  }
  if (provider === 'espeak' && (ttsProvider !== undefined || tts !== undefined)) {
    const status = pluginStatus('espeak-ng', options.plugins, options.pluginLocation);
    if (!status.ok) throw unprocessable(status.message);
  }

  const { count } = await prisma.avatar.updateMany({
    where: { id: avatar.id, userId },
    data: {
      ...plain,
      ...(conversation ? conversationChanges(avatar, conversation, options.appSecret) : {}),
      ...(transcription ? transcriptionChanges(avatar, transcription, options.appSecret) : {}),
      ttsProvider: provider,
      ttsConfig: config,
      ttsApiKeySealed: sealedKey,
    },
  });
  if (count === 0) throw notFound('Avatar');
  return prisma.avatar.findUniqueOrThrow({ where: { id: avatar.id } });
}
