/**
 * Fetches an audio clip the app stored for this session (the `playAudio` control message's
 * capability URL) and reads it as mono 16-bit PCM. Size and time are capped: the app only
 * sends 60 s of 16 kHz mono, so anything larger is not a clip it made.
 */
import { CLIP_MAX_BYTES } from '../../protocol/room-control';
import type { PcmAudio } from '../tts/wav';
import { decodeWavMono } from '../tts/wav-mono';

/** Longest wait for the whole clip, ms. */
export const CLIP_FETCH_TIMEOUT_MS = 10_000;

/** Why a clip could not be played; the message is for the session's error event. */
export class ClipError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClipError';
  }
}

/** Reads a body up to `maxBytes`, cancelling it past that. */
async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ClipError(`The audio clip is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Fetches and decodes a WAV clip. Throws ClipError (fetch failed, timed out, not 200, too
 * large, not a 16-bit or float WAVE, no samples).
 */
export async function fetchClip(
  url: string,
  options: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<PcmAudio> {
  const timeoutMs = options.timeoutMs ?? CLIP_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? CLIP_MAX_BYTES;
  let bytes: Buffer;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new ClipError(
        `The audio clip could not be fetched (HTTP ${response.status}); it may have expired or been played already.`,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new ClipError(`The audio clip is larger than ${maxBytes} bytes.`);
    }
    bytes = await readCapped(response.body, maxBytes);
  } catch (error) {
    if (error instanceof ClipError) throw error;
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new ClipError(
      timedOut
        ? `The audio clip did not arrive within ${timeoutMs / 1000} s.`
        : 'The audio clip could not be fetched from the app.',
      { cause: error },
    );
  }
  let audio: PcmAudio;
  try {
    audio = decodeWavMono(bytes);
  } catch (error) {
    throw new ClipError(
      `The audio clip is not a WAVE file the avatar can play (${error instanceof Error ? error.message : 'unreadable'}).`,
      { cause: error },
    );
  }
  if (audio.pcm.length === 0) throw new ClipError('The audio clip holds no samples.');
  return audio;
}
