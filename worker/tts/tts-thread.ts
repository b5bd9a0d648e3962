/**
 * Worker-thread entry that runs Flite. Synthesis takes 20-200 ms per sentence; on the session
 * thread that would stall the 25 fps frame clock and RTC callbacks, so it runs here.
 */
import { parentPort } from 'node:worker_threads';
import { createFliteTts } from './flite-tts';
import type { TtsThreadRequest, TtsThreadResponse } from './threaded-tts';

const port = parentPort;
if (!port) throw new Error('tts-thread must run as a worker thread');
const tts = createFliteTts();

port.on('message', (request: TtsThreadRequest) => {
  let response: TtsThreadResponse;
  try {
    response = {
      id: request.id,
      ok: true,
      audio: tts.synthesize(request.text, request.voice, request.rate),
    };
  } catch (error) {
    response = {
      id: request.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  // Transfer the PCM instead of copying it.
  port.postMessage(response, response.ok ? [response.audio.pcm.buffer as ArrayBuffer] : []);
});
port.on('close', () => tts.close());
