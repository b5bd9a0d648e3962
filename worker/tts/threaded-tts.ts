/** A synthesiser (Flite by default, or eSpeak NG from its plugin) on a worker thread, with a promise per request. */
import { startThread } from '../built-entry';
import type { SpeechAudio } from './speech-audio';

/** Which synthesiser the thread runs: Flite (built in) or eSpeak NG from the plugin's entry file. */
export type TtsEngine =
  | {
      name: 'flite';
      /** Compiled once for several threads (shared code). */ module?: WebAssembly.Module;
      /** Instantiate the next sentence's Flite while idle (FliteTtsOptions.prepareAhead). */
      prepareAhead?: boolean;
    }
  | { name: 'espeak'; entry: string; sampleRateHz: number };

export interface TtsThreadRequest {
  id: number;
  text: string;
  voice: string | undefined;
  rate: number | undefined;
}

export type TtsThreadResponse =
  { id: number; ok: true; audio: SpeechAudio } | { id: number; ok: false; message: string };

export interface AsyncTts {
  synthesize(text: string, voice?: string, rate?: number): Promise<SpeechAudio>;
  close(): Promise<void>;
}

export function createThreadedTts(engine: TtsEngine = { name: 'flite' }): AsyncTts {
  // The bundled thread when setup built it, else the TypeScript entry through tsx.
  const worker = startThread('tts-thread', new URL('./tts-thread.ts', import.meta.url), {
    workerData: { engine },
  });
  const pending = new Map<
    number,
    { resolve: (audio: SpeechAudio) => void; reject: (error: Error) => void }
  >();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (response: TtsThreadResponse) => {
    const p = pending.get(response.id);
    if (!p) return;
    pending.delete(response.id);
    if (response.ok) p.resolve(response.audio);
    else p.reject(new Error(response.message));
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`TTS thread exited with code ${code}`)));

  return {
    synthesize(text, voice, rate) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const request: TtsThreadRequest = { id, text, voice, rate };
        worker.postMessage(request);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
