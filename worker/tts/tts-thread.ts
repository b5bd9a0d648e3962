/**
 * Worker-thread entry that runs a synthesiser (Flite, or eSpeak NG from its plugin).
 * Synthesis takes 20-200 ms per sentence; on the session thread that would stall the 25 fps
 * frame clock and RTC callbacks, so it runs here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEspeakTts } from './espeak-tts';
import { createFliteTts } from './flite-tts';
import { type SpeechAudio } from './speech-audio';
import type { TtsEngine, TtsThreadRequest, TtsThreadResponse } from './threaded-tts';

const port = parentPort;
if (!port) throw new Error('tts-thread must run as a worker thread');
const engine = (workerData as { engine?: TtsEngine } | undefined)?.engine ?? { name: 'flite' };

interface Engine {
  synthesize(text: string, voice?: string, rate?: number): SpeechAudio;
  close?(): void;
}
const ready: Promise<Engine> =
  engine.name === 'espeak'
    ? createEspeakTts(engine.entry, engine.sampleRateHz)
    : Promise.resolve(
        createFliteTts(engine.module, { prepareAhead: engine.prepareAhead ?? false }),
      );
// A failed start is reported on every request instead of crashing the thread.
ready.catch(() => undefined);

port.on('message', (request: TtsThreadRequest) => {
  void ready
    .then((tts) => tts.synthesize(request.text, request.voice, request.rate))
    .then(
      (audio): TtsThreadResponse => ({ id: request.id, ok: true, audio }),
      (error: unknown): TtsThreadResponse => ({
        id: request.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      }),
    )
    .then((response) => {
      // Transfer the PCM instead of copying it.
      port.postMessage(response, response.ok ? [response.audio.pcm.buffer as ArrayBuffer] : []);
    });
});
port.on('close', () => {
  void ready.then((tts) => tts.close?.()).catch(() => undefined);
});
