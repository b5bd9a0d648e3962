/**
 * Worker-thread entry that renders an avatar's frames. A frame costs a few ms of CPU; on the
 * session thread that would delay heartbeats and RTC callbacks, so it runs here. The thread
 * maps the frame store read-only and shared (map-frame-store.ts): every session of the same
 * avatar on this host reads the same pages. The renderer only reads store frames (it composes
 * into its own work buffer), which matters: a write into the mapping would be a SIGSEGV.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FrameStoreError } from '../frame-store/frame-store-error';
import { mapFrameStore } from '../frame-store/map-frame-store';
import { measureAppearance } from './appearance';
import { FaceRenderer, faceFramesFromStore } from './face-renderer';
import type { HostToThread, RenderThreadOptions, ThreadToHost } from './render-thread-protocol';

const port = parentPort;
if (!port) throw new Error('render-thread must run as a worker thread');
const options = workerData as RenderThreadOptions;
const post = (message: ThreadToHost, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

async function start(): Promise<{ renderer: FaceRenderer; fps: number; frameCount: number }> {
  const store = await mapFrameStore(options.storeDir, options.storeName, {
    verify: options.verify,
  });
  const { manifest } = store;
  // Stores written before preparation measured the appearance: measure frame 0 now.
  const appearance =
    manifest.appearance ??
    measureAppearance(
      { data: store.frame(0), widthPx: manifest.widthPx, heightPx: manifest.heightPx },
      manifest.faces[0]!,
    );
  const renderer = new FaceRenderer({
    frames: faceFramesFromStore(store),
    widthPx: manifest.widthPx,
    heightPx: manifest.heightPx,
    appearance,
    format: options.format,
  });
  return { renderer, fps: manifest.fps, frameCount: manifest.frameCount };
}

start().then(
  ({ renderer, fps, frameCount }) => {
    port.on('message', (message: HostToThread) => {
      switch (message.case) {
        case 'render': {
          const { id, buffer, input } = message.value;
          try {
            renderer.render(new Uint8Array(buffer), input);
            post({ case: 'frame', value: { id, buffer } }, [buffer]);
          } catch (error) {
            const text = error instanceof Error ? error.message : String(error);
            post({ case: 'renderFailed', value: { id, buffer, message: text } }, [buffer]);
          }
          break;
        }
      }
    });
    post({
      case: 'ready',
      value: {
        widthPx: renderer.widthPx,
        heightPx: renderer.heightPx,
        frameBytes: renderer.frameBytes,
        fps,
        frameCount,
      },
    });
  },
  (error: unknown) => {
    post({
      case: 'openFailed',
      value: {
        code: error instanceof FrameStoreError ? error.code : undefined,
        message: error instanceof Error ? error.message : String(error),
      },
    });
  },
);
