/**
 * Synthesised speech as every speech synthesiser returns it: mono PCM plus, when the
 * synthesiser knows them, when each phone starts and ends (the renderer closes the lips on
 * m/b/p from these).
 */

export interface PhoneTiming {
  /** Phone name (Flite's set; `pau` is silence). */
  phone: string;
  startMs: number;
  endMs: number;
}

export interface SpeechAudio {
  /** Mono 16-bit PCM. */
  pcm: Int16Array;
  sampleRateHz: number;
  phones: PhoneTiming[];
}
