/**
 * A session process's connection to the host's speech service (speech-server.ts). It answers
 * like a local synthesiser; it connects on first use and again after the service restarted,
 * and a sentence in flight when the connection drops fails (the player skips it).
 */
import net from 'node:net';
import type { SpeechAudio } from './speech-audio';
import { FrameReader, encodeFrame, type SpeechResponseHeader } from './speech-framing';
import type { AsyncTts } from './threaded-tts';

/** A sentence takes 20-200 ms to synthesise; past this the service is stuck or gone. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface SpeechClientOptions {
  socketPath: string;
  timeoutMs?: number;
}

interface Pending {
  resolve: (audio: SpeechAudio) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export function createSpeechClient(options: SpeechClientOptions): AsyncTts {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const pending = new Map<number, Pending>();
  let socket: net.Socket | undefined;
  let nextId = 0;

  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    if (!p) return undefined;
    pending.delete(id);
    clearTimeout(p.timer);
    return p;
  };
  const failAll = (error: Error) => {
    for (const id of [...pending.keys()]) settle(id)?.reject(error);
  };

  const connect = (): net.Socket => {
    if (socket && !socket.destroyed) return socket;
    const reader = new FrameReader();
    const s = net.createConnection(options.socketPath);
    s.on('data', (chunk) => {
      let frames;
      try {
        frames = reader.push(chunk);
      } catch (error) {
        s.destroy(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      for (const frame of frames) {
        const header = frame.header as SpeechResponseHeader;
        const p = settle(header.id);
        if (!p) continue;
        if (!header.ok) {
          p.reject(new Error(header.message));
          continue;
        }
        // The frame's payload is its own copy: view it as samples without copying again.
        const pcm = new Int16Array(frame.payload.buffer, 0, frame.payload.byteLength >> 1);
        p.resolve({ pcm, sampleRateHz: header.sampleRateHz, phones: header.phones });
      }
    });
    s.on('error', (error) => {
      failAll(new Error(`speech service unavailable: ${error.message}`));
    });
    s.on('close', () => {
      if (socket === s) socket = undefined;
      failAll(new Error('speech service connection closed'));
    });
    socket = s;
    return s;
  };

  return {
    synthesize(text, voice, rate) {
      const id = nextId++;
      return new Promise<SpeechAudio>((resolve, reject) => {
        const timer = setTimeout(() => {
          settle(id)?.reject(new Error(`speech service gave no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        connect().write(
          encodeFrame({
            id,
            text,
            ...(voice !== undefined ? { voice } : {}),
            ...(rate !== undefined ? { rate } : {}),
          }),
        );
      });
    },
    close() {
      failAll(new Error('speech client closed'));
      socket?.destroy();
      socket = undefined;
      return Promise.resolve();
    },
  };
}
