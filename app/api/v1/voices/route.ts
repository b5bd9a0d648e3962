import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { DEFAULT_VOICE_ID, SPEECH_RATE_MAX, SPEECH_RATE_MIN, VOICES } from '@/protocol/voices';
import {
  DEFAULT_ESPEAK_VOICE,
  ESPEAK_VOICES,
  OPENAI_MODEL_SUGGESTIONS,
  OPENAI_VOICE_SUGGESTIONS,
  SPEECH_PROVIDER_LABELS,
} from '@/protocol/speech-provider';
import { pluginStatus } from '@/protocol/plugins';
import { json } from '@/lib/api/respond';
import { voicesSchema } from './voices.types';

/**
 * GET /api/v1/voices → {voices, default, speechRate: {min, max, default}, providers: [{id,
 * label, available, unavailableReason?, voices, default?, models?}]}. `voices` and `default`
 * are the built-in voices (kept for older clients); `providers` lists every speech provider.
 */
export const GET = withAuth({ scope: 'read' }, () => {
  const espeak = pluginStatus('espeak-ng', env().FACECAST_PLUGINS);
  return Promise.resolve(
    json(voicesSchema, {
      voices: VOICES,
      default: DEFAULT_VOICE_ID,
      speechRate: { min: SPEECH_RATE_MIN, max: SPEECH_RATE_MAX, default: 1 },
      providers: [
        {
          id: 'flite',
          label: SPEECH_PROVIDER_LABELS.flite,
          available: true,
          voices: VOICES,
          default: DEFAULT_VOICE_ID,
        },
        {
          id: 'openai',
          label: SPEECH_PROVIDER_LABELS.openai,
          available: true,
          // Suggestions: self-hosted servers name their own voices and models.
          voices: OPENAI_VOICE_SUGGESTIONS.map((id) => ({ id, label: id })),
          models: OPENAI_MODEL_SUGGESTIONS,
        },
        {
          id: 'espeak',
          label: SPEECH_PROVIDER_LABELS.espeak,
          available: espeak.ok,
          ...(espeak.ok ? {} : { unavailableReason: espeak.message }),
          voices: ESPEAK_VOICES,
          default: DEFAULT_ESPEAK_VOICE,
        },
      ],
    }),
  );
});
