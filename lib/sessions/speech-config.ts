/**
 * The speech provider a session request carries (protocol/speech-provider.ts), built
 * from the avatar's stored settings. The API key is unsealed here, just before it travels to
 * the worker over the authenticated app→worker channel; it is never logged.
 */
import type { Avatar } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { storedProvider, storedSpeechConfig } from '@/lib/avatars/avatar-settings';
import { SealError, unsealSecret } from '@/protocol/sealing';
import { DEFAULT_ESPEAK_VOICE, type SpeechProvider } from '@/protocol/speech-provider';

/**
 * The avatar's speech provider. An OpenAI-compatible setup that is incomplete (edited outside
 * the API) falls back to the built-in voices; a key that cannot be unsealed (the app secret
 * changed) is refused with what to do, rather than speaking without it.
 */
export function speechProviderFor(
  avatar: Pick<Avatar, 'id' | 'ttsProvider' | 'ttsConfig' | 'ttsApiKeySealed'>,
  env: { AUTH_SECRET: string },
): SpeechProvider {
  const config = storedSpeechConfig(avatar.ttsConfig);
  switch (storedProvider(avatar.ttsProvider)) {
    case 'flite':
      return { provider: 'flite' };
    case 'espeak':
      return { provider: 'espeak', voice: config.espeak?.voice ?? DEFAULT_ESPEAK_VOICE };
    case 'openai': {
      const { baseUrl, model, voice } = config.openai ?? {};
      if (!baseUrl || !model || !voice) return { provider: 'flite' };
      let apiKey: string | undefined;
      if (avatar.ttsApiKeySealed) {
        try {
          apiKey = unsealSecret(avatar.ttsApiKeySealed, env.AUTH_SECRET, avatar.id);
        } catch (error) {
          if (!(error instanceof SealError)) throw error;
          throw new ApiError(
            'conflict',
            "The avatar's speech API key can no longer be read (the server's AUTH_SECRET changed). Enter the key again in the avatar's speech settings.",
          );
        }
      }
      return { provider: 'openai', baseUrl, model, voice, ...(apiKey ? { apiKey } : {}) };
    }
  }
}
