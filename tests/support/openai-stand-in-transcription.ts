/**
 * The OpenAI stand-in's `POST /v1/audio/transcriptions` (tests only): parses the multipart
 * upload with the built-in `Request.formData()`, records it (with a WAV's duration) and
 * answers the set text as json, text or verbose_json.
 */
import type { EventEmitter } from 'node:events';
import type http from 'node:http';
import {
  FAILURE_STATUS,
  now,
  sendError,
  sendFailure,
  sendJson,
  sleep,
  waitFor,
  type RouteHandler,
  type StandInEventMap,
} from './openai-stand-in-http';

export const DEFAULT_TRANSCRIPT = 'What can you tell me about Facecast?';

export type TranscriptionFailure = 'http-500' | 'refuse-401' | 'hang' | 'malformed';

export interface TranscriptionRecord {
  filename: string;
  contentType: string;
  bytes: number;
  model: string | undefined;
  language: string | undefined;
  responseFormat: string | undefined;
  /** Audio length from the WAV header, when the file is a WAV. */
  durationMs?: number;
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
}

export interface TranscriptionBehaviour {
  text?: string | ((request: TranscriptionRecord) => string);
  /** Before answering, ms. */
  delayMs?: number;
  failure?: TranscriptionFailure;
}

export interface TranscriptionControl {
  /** Merges into the current behaviour; a key set to undefined returns to its default. */
  set(behaviour: TranscriptionBehaviour): void;
  /** Default behaviour and no recorded requests. */
  reset(): void;
  readonly requests: TranscriptionRecord[];
  /** Resolves with the n-th request (1-based) once it has arrived. */
  waitForRequest(n?: number, timeoutMs?: number): Promise<TranscriptionRecord>;
}

/** Audio length of a PCM WAV from its header, ms; undefined when it is not one. */
export function wavDurationMs(bytes: Uint8Array): number | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    buf.length < 12 ||
    buf.toString('ascii', 0, 4) !== 'RIFF' ||
    buf.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    return undefined;
  }
  let channels = 0;
  let rateHz = 0;
  let bitsPerSample = 0;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 24 <= buf.length) {
      channels = buf.readUInt16LE(at + 10);
      rateHz = buf.readUInt32LE(at + 12);
      bitsPerSample = buf.readUInt16LE(at + 22);
    } else if (id === 'data') {
      // Streamed WAVs may leave the size unset (0 or 0xFFFFFFFF): count what is there.
      const available = buf.length - (at + 8);
      const dataBytes = size === 0 || size > available ? available : size;
      const bytesPerSecond = rateHz * channels * (bitsPerSample / 8);
      return bytesPerSecond > 0 ? (dataBytes / bytesPerSecond) * 1000 : undefined;
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

export function createTranscriptionRoute(events: EventEmitter<StandInEventMap>): {
  handle: RouteHandler;
  control: TranscriptionControl;
} {
  const transcriptionRequests: TranscriptionRecord[] = [];
  let transcription: TranscriptionBehaviour = {};

  async function handleTranscription(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    raw: Buffer,
  ): Promise<void> {
    let form: FormData;
    try {
      const headers = { 'content-type': req.headers['content-type'] ?? '' };
      form = await new Request('http://stand-in/', {
        method: 'POST',
        headers,
        body: new Uint8Array(raw),
      }).formData();
    } catch {
      return sendError(
        res,
        400,
        'Expected a multipart/form-data body',
        'invalid_request_error',
        'invalid_body',
      );
    }
    const file = form.get('file');
    if (!(file instanceof Blob)) {
      return sendError(
        res,
        400,
        "Missing the 'file' field",
        'invalid_request_error',
        'missing_file',
      );
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const field = (name: string): string | undefined => {
      const value = form.get(name);
      return typeof value === 'string' ? value : undefined;
    };
    const record: TranscriptionRecord = {
      filename: file instanceof File ? file.name : 'blob',
      contentType: file.type,
      bytes: bytes.length,
      model: field('model'),
      language: field('language'),
      responseFormat: field('response_format'),
      durationMs: wavDurationMs(bytes),
      headers: req.headers,
      receivedAt: now(),
    };
    const index = transcriptionRequests.push(record) - 1;
    events.emit('transcription.request', { index, at: record.receivedAt });
    const behaviour = transcription;
    if (behaviour.failure && FAILURE_STATUS[behaviour.failure])
      return sendFailure(res, behaviour.failure, req);
    if (behaviour.failure === 'hang') return; // Never answers; the client must time out.
    await sleep(behaviour.delayMs ?? 0);
    if (res.destroyed) return;
    if (behaviour.failure === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{not json');
      return;
    }
    const text =
      typeof behaviour.text === 'function'
        ? behaviour.text(record)
        : (behaviour.text ?? DEFAULT_TRANSCRIPT);
    if (record.responseFormat === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    } else if (record.responseFormat === 'verbose_json') {
      const duration = (record.durationMs ?? 0) / 1000;
      sendJson(res, 200, {
        task: 'transcribe',
        language: record.language ?? 'english',
        duration,
        text,
        segments: [{ id: 0, start: 0, end: duration, text }],
      });
    } else {
      sendJson(res, 200, { text });
    }
  }

  const control: TranscriptionControl = {
    set: (behaviour) => void (transcription = { ...transcription, ...behaviour }),
    reset: () => {
      transcription = {};
      transcriptionRequests.length = 0;
    },
    requests: transcriptionRequests,
    waitForRequest: (n = 1, timeoutMs = 5_000) =>
      waitFor(
        events,
        'transcription.request',
        () => transcriptionRequests[n - 1],
        timeoutMs,
        `transcription request #${n}`,
      ),
  };
  return { handle: handleTranscription, control };
}
