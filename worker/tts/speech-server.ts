/**
 * The host's speech service: one set of Flite threads serving every session process of the
 * host over a Unix socket, instead of a Flite instance (module, compiled code and linear
 * memory, ~70 MB) in each session process. Requests are answered as soon as their sentence is
 * ready, so one connection may carry several sentences at once.
 */
import { rmSync } from 'node:fs';
import net from 'node:net';
import { z } from 'zod';
import type { Logger } from '../log';
import { fliteModule } from './flite-tts';
import { FrameReader, encodeFrame, type SpeechResponseHeader } from './speech-framing';
import { createThreadedTts } from './threaded-tts';

const requestSchema = z.object({
  id: z.number().int().nonnegative(),
  text: z.string().max(100_000),
  voice: z.string().max(64).optional(),
  rate: z.number().finite().optional(),
});

export interface SpeechServerOptions {
  socketPath: string;
  /** Most synthesis threads; sentences of different sessions run in parallel up to this. */
  threads: number;
  log: Logger;
}

export interface SpeechServer {
  close(): Promise<void>;
}

export async function startSpeechServer(options: SpeechServerOptions): Promise<SpeechServer> {
  const { log } = options;
  // Compiled once here and handed to every thread: the threads share its code.
  const module = fliteModule();
  const maxThreads = Math.max(1, options.threads);
  // Each thread keeps the next sentence's Flite instance ready (~12 ms off every sentence's
  // start, ~16 MB of wasm memory per thread; flite-tts.ts).
  const startEngine = () => ({
    tts: createThreadedTts({ name: 'flite', module, prepareAhead: true }),
    pending: 0,
  });
  // A thread holds ~70 MB once it has spoken: the second starts only when sentences overlap.
  const engines = [startEngine()];
  const pick = () => {
    const idle = engines.find((e) => e.pending === 0);
    if (idle) return idle;
    if (engines.length < maxThreads) {
      const engine = startEngine();
      engines.push(engine);
      log.debug({ threads: engines.length }, 'speech thread added');
      return engine;
    }
    return engines.reduce((best, e) => (e.pending < best.pending ? e : best));
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const reader = new FrameReader();
    const reply = (header: SpeechResponseHeader, pcm?: Int16Array) => {
      if (socket.destroyed) return;
      socket.write(
        encodeFrame(
          header,
          pcm ? new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength) : undefined,
        ),
      );
    };
    socket.on('data', (chunk) => {
      let frames;
      try {
        frames = reader.push(chunk);
      } catch (error) {
        log.warn({ err: error }, 'speech client sent a bad frame, closing');
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        const parsed = requestSchema.safeParse(frame.header);
        if (!parsed.success) {
          log.warn({ issues: parsed.error.issues.length }, 'invalid speech request, closing');
          socket.destroy();
          return;
        }
        const request = parsed.data;
        const engine = pick();
        engine.pending++;
        engine.tts
          .synthesize(request.text, request.voice, request.rate)
          .then(
            (audio) =>
              reply(
                {
                  id: request.id,
                  ok: true,
                  sampleRateHz: audio.sampleRateHz,
                  phones: audio.phones,
                },
                audio.pcm,
              ),
            (error: unknown) =>
              reply({
                id: request.id,
                ok: false,
                message: error instanceof Error ? error.message : String(error),
              }),
          )
          .finally(() => engine.pending--);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  // A socket file left by a killed predecessor would make listen fail with EADDRINUSE.
  rmSync(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled(engines.map((e) => e.tts.close()));
      rmSync(options.socketPath, { force: true });
    },
  };
}
