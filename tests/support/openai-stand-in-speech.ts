/**
 * The OpenAI stand-in's `POST /v1/audio/speech` (tests only): real speech, synthesised by
 * Flite in this process and resampled to OpenAI's 24 kHz, as raw 16-bit mono PCM for
 * `response_format: "pcm"` (what `@livekit/agents-plugin-openai` asks for) or as a WAV for
 * `"wav"`. The compressed formats of the real API are refused with a 400 that says so.
 */
import type { EventEmitter } from 'node:events';
import type http from 'node:http';
import { createResampler } from '../../worker/audio/resample';
import { createFliteTts, type FliteTts } from '../../worker/tts/flite-tts';
import { encodeWav } from '../../worker/tts/wav';
import {
  FAILURE_STATUS,
  now,
  parseJsonBody,
  sendError,
  sendFailure,
  sleep,
  waitFor,
  type RouteHandler,
  type StandInEventMap,
} from './openai-stand-in-http';

/** OpenAI's speech rate for `pcm` and `wav`, Hz. */
export const SPEECH_RATE_HZ = 24_000;
/** The formats the stand-in can answer with. */
export const SPEECH_FORMATS = ['pcm', 'wav'] as const;

export type SpeechFailure = 'refuse-401' | 'http-500' | 'http-429' | 'hang';

export interface SpeechRecord {
  /** The parsed JSON body. */
  body: {
    model?: string;
    input?: string;
    voice?: string;
    response_format?: string;
    speed?: number;
    instructions?: string;
    [key: string]: unknown;
  };
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
  /** When the audio was sent. */
  answeredAt?: number;
  /** Length of the audio sent, ms. */
  audioMs?: number;
}

export interface SpeechBehaviour {
  /** Mono 16-bit PCM at 24 kHz for a text; default: Flite's default voice, resampled. */
  synthesize?: (text: string) => Int16Array;
  /** Before answering, ms. */
  delayMs?: number;
  failure?: SpeechFailure;
}

export interface SpeechControl {
  /** Merges into the current behaviour; a key set to undefined returns to its default. */
  set(behaviour: SpeechBehaviour): void;
  /** Default behaviour and no recorded requests. */
  reset(): void;
  readonly requests: SpeechRecord[];
  /** Resolves with the n-th request (1-based) once it has arrived. */
  waitForRequest(n?: number, timeoutMs?: number): Promise<SpeechRecord>;
}

export function createSpeechRoute(events: EventEmitter<StandInEventMap>): {
  handle: RouteHandler;
  control: SpeechControl;
  /** Frees Flite's scratch directory, if it was used. */
  close(): void;
} {
  const speechRequests: SpeechRecord[] = [];
  let speech: SpeechBehaviour = {};
  let flite: FliteTts | undefined;

  const fliteAt24k = (text: string): Int16Array => {
    flite ??= createFliteTts();
    const spoken = flite.synthesize(text);
    return createResampler(spoken.sampleRateHz, SPEECH_RATE_HZ).resample(spoken.pcm);
  };

  async function handleSpeech(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    raw: Buffer,
  ): Promise<void> {
    const body = parseJsonBody<SpeechRecord['body']>(res, raw);
    if (body === undefined) return;
    const record: SpeechRecord = { body, headers: req.headers, receivedAt: now() };
    const index = speechRequests.push(record) - 1;
    events.emit('speech.request', { index, at: record.receivedAt });
    const behaviour = speech;
    if (behaviour.failure && FAILURE_STATUS[behaviour.failure])
      return sendFailure(res, behaviour.failure, req);
    if (behaviour.failure === 'hang') return; // Never answers; the client must time out.
    if (typeof body.input !== 'string' || body.input.trim() === '') {
      return sendError(
        res,
        400,
        "'input' must be a non-empty string",
        'invalid_request_error',
        'invalid_input',
      );
    }
    // The real API's default is mp3.
    const format = body.response_format ?? 'mp3';
    if (!(SPEECH_FORMATS as readonly string[]).includes(format)) {
      return sendError(
        res,
        400,
        `The stand-in answers response_format pcm or wav, not ${format}`,
        'invalid_request_error',
        'unsupported_response_format',
      );
    }
    await sleep(behaviour.delayMs ?? 0);
    if (res.destroyed) return;
    const pcm = (behaviour.synthesize ?? fliteAt24k)(body.input);
    record.audioMs = (pcm.length / SPEECH_RATE_HZ) * 1000;
    record.answeredAt = now();
    if (format === 'wav') {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      res.end(encodeWav(pcm, SPEECH_RATE_HZ));
    } else {
      // Little-endian 16-bit samples, as OpenAI sends them (and as this machine stores them).
      res.writeHead(200, { 'content-type': 'audio/pcm' });
      res.end(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    }
  }

  const control: SpeechControl = {
    set: (behaviour) => void (speech = { ...speech, ...behaviour }),
    reset: () => {
      speech = {};
      speechRequests.length = 0;
    },
    requests: speechRequests,
    waitForRequest: (n = 1, timeoutMs = 5_000) =>
      waitFor(
        events,
        'speech.request',
        () => speechRequests[n - 1],
        timeoutMs,
        `speech request #${n}`,
      ),
  };
  return {
    handle: handleSpeech,
    control,
    close: () => {
      flite?.close();
      flite = undefined;
    },
  };
}
