import { z } from 'zod';
import {
  SPEECH_RATE_MAX,
  SPEECH_RATE_MIN,
  VOICES,
  type VoiceId,
} from '@/worker/protocol/session-request';

const voiceIds = VOICES.map((v) => v.id) as [VoiceId, ...VoiceId[]];

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

/** The settings an avatar can change after creation. */
export const avatarSettingsSchema = z
  .object({
    name: avatarNameSchema.optional(),
    voice: voiceSchema.optional(),
    speechRate: speechRateSchema.optional(),
  })
  .strict();
