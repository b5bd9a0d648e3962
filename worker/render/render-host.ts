/**
 * Renders an avatar's frames on a worker thread (render-thread.ts), keeping the caller's
 * event loop free for heartbeats and RTC callbacks. The thread maps the avatar's frame store
 * read-only and shared, so sessions of one avatar on a host hold its frames once. Frames come back in a small pool of
 * ArrayBuffers that travel between the threads by transfer: no pixel copy, no per-frame
 * allocation. The caller hands each frame back with release() once it is done with it.
 *
 * LiveKit: `VideoSource.captureFrame` (@livekit/rtc-node) is synchronous; it passes the
 * buffer's address to the native FFI, whose `to_libwebrtc_buffer` copies (or, for RGBA,
 * converts) the pixels into a new libwebrtc I420 buffer before the call returns (rust-sdks
 * livekit-ffi `server/video_source.rs` and `conversion/video_frame.rs`/`colorcvt`). So a
 * frame may be released right after captureFrame returns.
 */
import type { Worker } from 'node:worker_threads';
import { startThread } from '../built-entry';
import { FrameStoreError } from '../../protocol/frame-store/frame-store-error';
import type { FrameStoreVerify } from '../../protocol/frame-store/read-frame-store';
import type { OutputFormat, RenderInput } from './face-renderer';
import type { HostToThread, RenderThreadOptions, ThreadToHost } from './render-thread-protocol';

export interface RenderHostOptions {
  /** Frame store directory and name (docs/frame-store.md). */
  storeDir: string;
  storeName: string;
  format: OutputFormat;
  /**
   * Frame buffers in circulation (default 5: up to three rendered ahead of their due time,
   * one being handed to LiveKit, one late frame on its way back to be released).
   */
  poolSize?: number;
  /** How long opening and verifying the store may take, ms (default 60 000). */
  startTimeoutMs?: number;
  /**
   * How the render thread checks the store it maps: 'header' (default; the host verified the
   * sha256 once, store-registry.ts) or 'full' (hashes every frame at open, ~0.5 s per 250 MB).
   */
  verify?: FrameStoreVerify;
  /**
   * A thread started ahead of time (prewarmRenderThread) to open the store in; taken over by
   * the host, which closes it. Without one, or when it has died, a new thread is started.
   */
  thread?: PrewarmedRenderThread;
}

/**
 * A render thread with its modules loaded and no frame store yet: an idle session process
 * starts one before saying `ready`, so a session's first frame does not wait for a thread
 * to boot. Hand it to createRenderHost, or close() it when no session comes.
 */
export interface PrewarmedRenderThread {
  /** False once the thread has exited or been taken by a render host. */
  readonly available: boolean;
  close(): Promise<void>;
}

interface PrewarmedThreadState extends PrewarmedRenderThread {
  /** Hands the thread over (once); undefined when it is no longer available. */
  take(): Worker | undefined;
}

/**
 * Starts a render thread without a store and resolves once it has loaded its modules.
 * @param options.startTimeoutMs how long loading may take, ms (default 30 000)
 */
export async function prewarmRenderThread(
  options: { startTimeoutMs?: number } = {},
): Promise<PrewarmedRenderThread> {
  const { startTimeoutMs = 30_000 } = options;
  const worker = startRenderThread(undefined);
  let exited = false;
  let taken = false;
  worker.once('exit', () => {
    exited = true;
  });
  const first = await firstMessage(worker, startTimeoutMs);
  if (first.case !== 'idle') {
    void worker.terminate();
    throw new RenderHostError(`prewarmed render thread sent ${first.case} before idle`);
  }
  // An idle thread must not keep a process alive that has nothing else to do.
  worker.unref();
  const state: PrewarmedThreadState = {
    get available() {
      return !exited && !taken;
    },
    take() {
      if (!state.available) return undefined;
      taken = true;
      worker.ref();
      return worker;
    },
    async close() {
      if (taken) return;
      taken = true;
      await worker.terminate();
    },
  };
  return state;
}

export interface RenderHost {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly format: OutputFormat;
  /** Bytes of one frame in `format`. */
  readonly frameBytes: number;
  /** The store's frame rate (frames per second) and its number of frames. */
  readonly fps: number;
  readonly frameCount: number;
  /** Pooled frame buffers free now: render() rejects when there are none. */
  readonly freeFrames: number;
  /** Renders one frame. Rejects when every pooled buffer is out (release frames!). */
  render(input: RenderInput): Promise<Uint8Array>;
  /** Returns a frame's buffer to the pool; the frame must not be used afterwards. */
  release(frame: Uint8Array): void;
  close(): Promise<void>;
}

/** The render thread failed (not the store): a crash or a renderer error. */
export class RenderHostError extends Error {
  override readonly name = 'RenderHostError';
}

/**
 * Starts a render thread on the store and resolves once it serves frames. A store that
 * cannot be served rejects with the reader's FrameStoreError (same `code`: missing → build,
 * anything else → rebuild).
 */
export async function createRenderHost(options: RenderHostOptions): Promise<RenderHost> {
  const {
    storeDir,
    storeName,
    format,
    poolSize = 5,
    startTimeoutMs = 60_000,
    verify = 'header',
  } = options;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new RangeError(`poolSize must be a whole number ≥ 1, got ${poolSize}`);
  }
  const threadOptions: RenderThreadOptions = { storeDir, storeName, format, verify };
  // Only this module makes prewarmed threads, so the cast recovers what it made.
  const prewarmed = (options.thread as PrewarmedThreadState | undefined)?.take();
  const worker = prewarmed ?? startRenderThread(threadOptions);
  const pending = new Map<
    number,
    { resolve: (f: Uint8Array) => void; reject: (e: Error) => void }
  >();
  const free: ArrayBuffer[] = [];
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const opened = firstMessage(worker, startTimeoutMs);
  if (prewarmed) {
    const open: HostToThread = { case: 'open', value: threadOptions };
    worker.postMessage(open);
  }
  const first = await opened;
  if (first.case === 'openFailed') {
    const { code, message: text } = first.value;
    void worker.terminate();
    throw code ? new FrameStoreError(code, text) : new RenderHostError(text);
  }
  if (first.case !== 'ready') {
    throw new RenderHostError(`render thread sent ${first.case} before ready`);
  }
  const ready = first.value;

  for (let i = 0; i < poolSize; i++) free.push(new ArrayBuffer(ready.frameBytes));
  worker.on('message', (message: ThreadToHost) => {
    switch (message.case) {
      case 'frame':
      case 'renderFailed': {
        const p = pending.get(message.value.id);
        pending.delete(message.value.id);
        if (message.case === 'frame') p?.resolve(new Uint8Array(message.value.buffer));
        else {
          free.push(message.value.buffer);
          p?.reject(new RenderHostError(message.value.message));
        }
        break;
      }
      case 'idle':
      case 'ready':
      case 'openFailed':
        break;
    }
  });
  worker.on('error', (error) =>
    failAll(new RenderHostError(`render thread crashed: ${error.message}`)),
  );
  worker.on('exit', (code) =>
    failAll(new RenderHostError(`render thread exited with code ${code}`)),
  );

  return {
    ...ready,
    format,
    get freeFrames() {
      return free.length;
    },
    render(input) {
      if (failure) return Promise.reject(failure);
      const buffer = free.pop();
      if (!buffer) {
        return Promise.reject(
          new RenderHostError(
            `all ${poolSize} frame buffers are in use: release() each frame once sent`,
          ),
        );
      }
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const message: HostToThread = { case: 'render', value: { id, buffer, input } };
        worker.postMessage(message, [buffer]);
      });
    },
    release(frame) {
      if (frame.byteLength !== ready.frameBytes || !(frame.buffer instanceof ArrayBuffer)) {
        throw new RangeError('release() takes a frame this host rendered');
      }
      if (free.length >= poolSize) throw new RangeError('frame released twice');
      free.push(frame.buffer);
    },
    async close() {
      failAll(new RenderHostError('render host closed'));
      await worker.terminate();
    },
  };
}

/** Starts a render thread; with options it opens that store at once, without it waits idle. */
function startRenderThread(workerData: RenderThreadOptions | undefined): Worker {
  return startThread('render-thread', new URL('./render-thread.ts', import.meta.url), {
    workerData,
  });
}

/**
 * The thread's first message (idle, ready or openFailed). Rejects when the thread fails to
 * start or sends nothing within `timeoutMs` (then it is terminated).
 */
function firstMessage(worker: Worker, timeoutMs: number): Promise<ThreadToHost> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new RenderHostError(`render thread did not start within ${timeoutMs} ms`));
      void worker.terminate();
    }, timeoutMs);
    worker.once('message', (message: ThreadToHost) => {
      clearTimeout(timer);
      resolve(message);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new RenderHostError(`render thread failed to start: ${error.message}`, { cause: error }),
      );
    });
  });
}
