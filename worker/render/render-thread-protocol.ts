/**
 * Messages between a render host and its render thread, one discriminated union per
 * direction. Frame buffers travel as transferred ArrayBuffers: host → thread empty (to be
 * filled), thread → host filled, so no pixel data is ever copied or allocated per frame.
 */
import type { FrameStoreErrorCode } from '../../protocol/frame-store/frame-store-error';
import type { FrameStoreVerify } from '../../protocol/frame-store/read-frame-store';
import type { OutputFormat, RenderInput } from './face-renderer';

export interface RenderThreadOptions {
  storeDir: string;
  storeName: string;
  format: OutputFormat;
  /** How the thread checks the mapped store (render-host.ts RenderHostOptions.verify). */
  verify: FrameStoreVerify;
}

/**
 * A thread started with RenderThreadOptions as its workerData opens that store at once. A
 * thread started without (prewarmed by an idle session process, render-host.ts
 * prewarmRenderThread) says `idle` once its modules are loaded and waits for one `open`.
 */
export type HostToThread =
  | { case: 'open'; value: RenderThreadOptions }
  | { case: 'render'; value: { id: number; buffer: ArrayBuffer; input: RenderInput } };

export type ThreadToHost =
  | { case: 'idle'; value: null }
  | {
      case: 'ready';
      value: {
        widthPx: number;
        heightPx: number;
        frameBytes: number;
        fps: number;
        frameCount: number;
      };
    }
  | { case: 'openFailed'; value: { code: FrameStoreErrorCode | undefined; message: string } }
  | { case: 'frame'; value: { id: number; buffer: ArrayBuffer } }
  | { case: 'renderFailed'; value: { id: number; buffer: ArrayBuffer; message: string } };
