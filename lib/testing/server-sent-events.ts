/**
 * Reads a Server-Sent Events stream the way a browser's EventSource sees it: frames of
 * `retry:`, `id:`, `event:` and `data:` (one line of JSON) lines, or `:` comments.
 */
import { expect } from 'vitest';

export interface Frame {
  retry?: number;
  id?: number;
  event?: string;
  data?: unknown;
  comment?: string;
}

/** Reads a Server-Sent Events stream frame by frame, with a deadline per frame. */
export function sseReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;

  const parse = (block: string): Frame => {
    const frame: Frame = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (field === '') frame.comment = value;
      else if (field === 'retry') frame.retry = Number(value);
      else if (field === 'id') frame.id = Number(value);
      else if (field === 'event') frame.event = value;
      else if (field === 'data') frame.data = JSON.parse(value);
      else throw new Error(`unexpected SSE line ${JSON.stringify(line)}`);
    }
    return frame;
  };

  /** The next frame, or null when the stream ended; throws after `timeoutMs`. */
  async function next(timeoutMs = 3_000): Promise<Frame | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return parse(block);
      }
      if (done) {
        expect(buffer, 'an unfinished frame at the end of the stream').toBe('');
        return null;
      }
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), Math.max(0, left));
        }),
      ]);
      clearTimeout(timer);
      if (chunk === 'timeout') throw new Error(`no SSE frame within ${timeoutMs} ms`);
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  /** Frames until the stream ends (keep-alive comments left out). */
  async function rest(timeoutMs: number): Promise<Frame[]> {
    const frames: Frame[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await next(Math.max(1, deadline - Date.now()));
      if (frame === null) return frames;
      if (frame.comment === undefined) frames.push(frame);
    }
  }

  return { next, rest, cancel: () => reader.cancel() };
}
