/**
 * The synthesiser a session speaks with, from the provider in its request: the built-in Flite
 * voices, an OpenAI-compatible API, or eSpeak NG from its opt-in plugin. All of them answer
 * `synthesize(text, voice, rate)` with one sentence of audio; the player resamples to the
 * session rate and draws the mouth from phone timings when there are some (Flite, eSpeak) or
 * from the audio alone (OpenAI-compatible).
 */
import type { Logger } from '../log';
import { DEFAULT_ESPEAK_VOICE, type SpeechProvider } from '../../protocol/speech-provider';
import type { SpeechAudio } from './speech-audio';
import { createOpenAiSpeech, type OpenAiSpeech } from './openai-speech';
import { pluginStatus, type PluginLocation } from '../../protocol/plugins';
import { createSpeechClient } from './speech-client';
import { createThreadedTts } from './threaded-tts';

export interface SessionTts {
  /** What actually speaks (eSpeak falls back to Flite when its plugin is missing). */
  readonly provider: SpeechProvider['provider'];
  /**
   * One sentence. `voice` is the avatar's built-in voice, used by Flite only (the other
   * providers have theirs in the provider settings); `rate` 1 = natural pace.
   */
  synthesize(text: string, voice?: string, rate?: number): Promise<SpeechAudio>;
  close(): Promise<void>;
}

export interface SessionTtsOptions {
  log: Logger;
  /** Enabled plugins (FACECAST_PLUGINS). */
  plugins: readonly string[];
  pluginLocation?: PluginLocation;
  /** Rate eSpeak's audio is resampled to on its thread (Hz). */
  sampleRateHz: number;
  /** Deadline for one OpenAI-compatible request (ms). */
  timeoutMs?: number;
  /** Replaces global fetch for the OpenAI-compatible provider (tests, proxies). */
  fetchImpl?: typeof fetch;
  /**
   * Socket of the host's shared speech service (FACECAST_SPEECH_SOCKET): Flite speaks there
   * instead of on a thread of this process (decision 007). Unset: a thread of our own.
   */
  speechSocket?: string;
}

export function createSessionTts(
  provider: SpeechProvider | undefined,
  options: SessionTtsOptions,
): SessionTts {
  const { log } = options;
  if (provider?.provider === 'openai') {
    // The speed is part of the client; one client per rate (a session uses one).
    const clients = new Map<number, OpenAiSpeech>();
    const client = (rate: number) => {
      const speed = Math.min(4, Math.max(0.25, rate));
      let existing = clients.get(speed);
      if (!existing) {
        existing = createOpenAiSpeech({
          baseUrl: provider.baseUrl,
          ...(provider.apiKey ? { apiKey: provider.apiKey } : {}),
          model: provider.model,
          voice: provider.voice,
          speed,
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
        });
        clients.set(speed, existing);
      }
      return existing;
    };
    log.info(
      { provider: 'openai', host: new URL(provider.baseUrl).host, model: provider.model },
      'speech provider',
    );
    return {
      provider: 'openai',
      synthesize: (text, _voice, rate = 1) => client(rate).synthesize(text),
      close: () => Promise.resolve(),
    };
  }
  if (provider?.provider === 'espeak') {
    const status = pluginStatus('espeak-ng', options.plugins, options.pluginLocation);
    if (status.ok) {
      const espeak = createThreadedTts({
        name: 'espeak',
        entry: status.entry,
        sampleRateHz: options.sampleRateHz,
      });
      const voice = provider.voice ?? DEFAULT_ESPEAK_VOICE;
      log.info({ provider: 'espeak', voice }, 'speech provider');
      return {
        provider: 'espeak',
        synthesize: (text, _voice, rate) => espeak.synthesize(text, voice, rate),
        close: () => espeak.close(),
      };
    }
    log.warn(
      { provider: 'espeak', reason: status.reason, hint: status.message },
      'speech provider unavailable, speaking with the built-in voice',
    );
  }
  const flite = options.speechSocket
    ? createSpeechClient({ socketPath: options.speechSocket })
    : createThreadedTts();
  return {
    provider: 'flite',
    synthesize: (text, voice, rate) => flite.synthesize(text, voice, rate),
    close: () => flite.close(),
  };
}
