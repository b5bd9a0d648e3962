/**
 * Worker-thread entry that renders an avatar's frames. A frame costs a few ms of CPU; on the
 * session thread that would delay heartbeats and RTC callbacks, so it runs here. The thread
 * maps the frame store read-only and shared (map-frame-store.ts): every session of the same
 * avatar on this host reads the same pages. The renderer only reads store frames (it composes
 * into its own work buffer), which matters: a write into the mapping would be a SIGSEGV.
 * An idle session process starts this thread before it has a session (prewarm) and sends
 * the store to open when the session comes (render-thread-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FrameStoreError } from '../../protocol/frame-store/frame-store-error';
import { mapFrameStore } from '../frame-store/map-frame-store';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { FaceRenderer, faceFramesFromStore } from './face-renderer';
import type { HostToThread, RenderThreadOptions, ThreadToHost } from './render-thread-protocol';

const port = parentPort;
if (!port) throw new Error('render-thread must run as a worker thread');
const post = (message: ThreadToHost, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

let renderer: FaceRenderer | undefined;
let opening = false;

async function start(
  options: RenderThreadOptions,
): Promise<{ renderer: FaceRenderer; fps: number; frameCount: number }> {
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
  const faceRenderer = new FaceRenderer({
    frames: faceFramesFromStore(store),
    widthPx: manifest.widthPx,
    heightPx: manifest.heightPx,
    appearance,
    format: options.format,
  });
  return { renderer: faceRenderer, fps: manifest.fps, frameCount: manifest.frameCount };
}

function open(options: RenderThreadOptions) {
  if (opening) {
    post({
      case: 'openFailed',
      value: { code: undefined, message: 'render thread already has a frame store' },
    });
    return;
  }
  opening = true;
  start(options).then(
    (opened) => {
      renderer = opened.renderer;
      post({
        case: 'ready',
        value: {
          widthPx: opened.renderer.widthPx,
          heightPx: opened.renderer.heightPx,
          frameBytes: opened.renderer.frameBytes,
          fps: opened.fps,
          frameCount: opened.frameCount,
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
}

port.on('message', (message: HostToThread) => {
  switch (message.case) {
    case 'open':
      open(message.value);
      break;
    case 'render': {
      const { id, buffer, input } = message.value;
      try {
        if (!renderer) throw new Error('render before the frame store was opened');
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

const initial = workerData as RenderThreadOptions | undefined;
if (initial) open(initial);
else post({ case: 'idle', value: null });
