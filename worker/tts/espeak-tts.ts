/**
 * Speech with eSpeak NG, loaded from the opt-in plugin (plugins/espeak-ng, GPL-3.0; see
 * plugins.ts and docs/speech.md). eSpeak reports an event per phoneme with its start in the
 * audio, which become phone timings for the viseme track. It speaks at 22.05 kHz; the audio
 * is resampled to the session rate here, on the TTS thread.
 *
 * The plugin's module is imported by path at run time, so nothing of it is bundled or loaded
 * unless an operator installed and enabled it.
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_ESPEAK_VOICE } from '../../protocol/speech-provider';
import { createResampler } from '../audio/resample';
import { cmuPhone } from './espeak-phones';
import type { PhoneTiming, SpeechAudio } from './speech-audio';

/** eSpeak's natural rate in words per minute, and the range it accepts. */
const NATURAL_WPM = 175;
const MIN_WPM = 80;
const MAX_WPM = 450;

/** The parts of the plugin's Emscripten module we use. */
interface EspeakEvent {
  type: string;
  /** Start of the event in the audio, in ms. */
  audio_position: number;
  id?: string | number;
}
interface EspeakWorker {
  readonly samplerate: number;
  set_voice(name: string): number;
  set_rate(wordsPerMinute: number): void;
  synthesize(text: string, callback: (audio: Int16Array, events: EspeakEvent[]) => boolean): void;
}
interface EspeakModule {
  eSpeakNGWorker: new () => EspeakWorker;
}

export interface EspeakTts {
  /** Synthesises one sentence at `sampleRateHz`; `voice` is an eSpeak voice id such as en-us. */
  synthesize(text: string, voice?: string, rate?: number): SpeechAudio;
}

/** Loads the plugin's module from `entry` (its resolved main file) and starts one synthesiser. */
export async function createEspeakTts(entry: string, sampleRateHz: number): Promise<EspeakTts> {
  const imported = (await import(pathToFileURL(entry).href)) as {
    default: () => Promise<EspeakModule>;
  };
  const espeak = new (await imported.default()).eSpeakNGWorker();
  const resampler = createResampler(espeak.samplerate, sampleRateHz);
  let currentVoice = '';

  function useVoice(voice: string): void {
    if (voice === currentVoice) return;
    // 0 = success; an unknown voice keeps the default rather than failing the sentence.
    if (espeak.set_voice(voice) !== 0 && espeak.set_voice(DEFAULT_ESPEAK_VOICE) !== 0)
      throw new Error(`eSpeak NG has neither voice ${voice} nor ${DEFAULT_ESPEAK_VOICE}`);
    currentVoice = voice;
  }

  return {
    synthesize(text, voice = DEFAULT_ESPEAK_VOICE, rate = 1) {
      const spoken = text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim();
      if (spoken === '') return { pcm: new Int16Array(0), sampleRateHz, phones: [] };
      useVoice(voice);
      espeak.set_rate(Math.round(Math.min(MAX_WPM, Math.max(MIN_WPM, NATURAL_WPM * rate))));
      const chunks: Int16Array[] = [];
      const events: EspeakEvent[] = [];
      espeak.synthesize(spoken, (audio, chunkEvents) => {
        chunks.push(audio);
        events.push(...chunkEvents);
        return false; // false = keep going
      });
      const total = chunks.reduce((sum, c) => sum + c.length, 0);
      const native = new Int16Array(total);
      let at = 0;
      for (const chunk of chunks) {
        native.set(chunk, at);
        at += chunk.length;
      }
      const durationMs = (total / espeak.samplerate) * 1000;
      return {
        pcm: resampler.resample(native),
        sampleRateHz,
        phones: phoneTimings(events, durationMs),
      };
    },
  };
}

/**
 * Phone timings from eSpeak's phoneme events: each phoneme lasts until the next one starts
 * (the last until the audio ends); empty phonemes are pauses. Leading silence before the first
 * phoneme becomes a pause too, as Flite reports it.
 */
export function phoneTimings(events: readonly EspeakEvent[], durationMs: number): PhoneTiming[] {
  const starts = events
    .filter((e) => e.type === 'phoneme')
    .map((e) => ({
      phone: cmuPhone(typeof e.id === 'string' ? e.id : ''),
      startMs: e.audio_position,
    }))
    .sort((a, b) => a.startMs - b.startMs);
  const phones: PhoneTiming[] = [];
  if ((starts[0]?.startMs ?? 0) > 0)
    phones.push({ phone: 'pau', startMs: 0, endMs: starts[0]?.startMs ?? 0 });
  starts.forEach((start, i) => {
    const endMs = Math.max(start.startMs, starts[i + 1]?.startMs ?? durationMs);
    const previous = phones.at(-1);
    // Consecutive pauses merge into one.
    if (previous && previous.phone === 'pau' && start.phone === 'pau') previous.endMs = endMs;
    else if (endMs > start.startMs)
      phones.push({ phone: start.phone, startMs: start.startMs, endMs });
  });
  return phones;
}
