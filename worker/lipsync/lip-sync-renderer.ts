/**
 * The session's ONNX lip-sync layer. For each utterance it computes the Wav2Lip mel once,
 * then runs the model ahead of playback in batches on the inference thread, keeping the
 * generated face crops in a ring; `frameFor(tick)` pastes the crop for that video frame onto
 * the frame the built-in renderer drew, or says it is not ready (the caller then shows the
 * built-in mouth). If the model is missing or malformed, or inference cannot keep up with the
 * frame rate, the layer switches itself off for the rest of the session and reports why.
 */
import type { Logger } from '../log';
import type { LipSyncModel } from '../protocol/lip-sync';
import type { FaceGeometry } from '../protocol/session-request';
import type { RgbaImage } from '../render/rgba-image';
import { FaceCropper, faceCropBox } from './face-crop';
import { FacePaster } from './face-paste';
import { LipSyncError } from './lip-sync-error';
import { LateFrameMonitor } from './late-frame-monitor';
import { videoFramesFor } from './mel-windows';
import { openLipSync, type LipSyncBatch, type LipSyncEngine } from './onnx-lip-sync';

/** What the session reports to the app (Session.renderer / Session.notice). */
export interface LipSyncStatus {
  renderer: 'builtin' | 'onnx';
  notice?: string;
}

export interface LipSyncRendererOptions {
  model: LipSyncModel;
  /** Video frame rate, frames per second. */
  fps: number;
  /** The avatar frame the idle layer shows, and its face landmarks. */
  frame: RgbaImage;
  face: FaceGeometry;
  /** Called once at open (onnx or builtin) and once more if the layer falls back. */
  onStatus: (status: LipSyncStatus) => void;
  log?: Logger;
  /** Share of late frames over `lateWindowMs` that triggers the fallback (default 0.2). */
  maxLateFraction?: number;
  /** Default 2000 ms. */
  lateWindowMs?: number;
  /** Frames inferred ahead of the current tick (default: one second of video). */
  lookaheadFrames?: number;
  /** onnxruntime intra-op threads (default 1: one session, one core). */
  intraOpThreads?: number;
}

export interface Utterance {
  /** Mono speech, Int16 or Float32 in [−1, 1]. */
  pcm: Int16Array | Float32Array;
  sampleRateHz: number;
  /** Video tick at which the first sample becomes audible. */
  startTick: number;
}

/** Batches in rotation: one being inferred while the next is filled. */
const BATCHES = 2;

export class LipSyncRenderer {
  private engine: LipSyncEngine | undefined;
  private readonly cropper: FaceCropper | undefined;
  private readonly paster: FacePaster | undefined;
  private readonly idleBatches: LipSyncBatch[] = [];
  /** Generated crops, frame f of the utterance in slot f % ringFrames. */
  private readonly ring: Float32Array;
  private readonly ringFrame: Int32Array;
  private readonly ringFrames: number;
  private readonly cropFloats: number;
  private readonly monitor: LateFrameMonitor;
  /** The utterance's audio on the inference thread (its mel is computed there). */
  private audioId: number | undefined;
  private utteranceFrames = 0;
  private startTick = 0;
  private nextFrame = 0;
  /** Utterance frame last asked for by frameFor. */
  private currentFrame = -1;
  /** Bumped per utterance so results of an interrupted one are dropped. */
  private generation = 0;
  private inferMsPerFrame = 0;
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly options: LipSyncRendererOptions,
    engine: LipSyncEngine | undefined,
  ) {
    this.engine = engine;
    const lookahead = options.lookaheadFrames ?? Math.round(options.fps);
    const batchSize = engine?.batchSize ?? 1;
    const s = engine?.interface.faceSizePx ?? 0;
    this.cropFloats = 3 * s * s;
    this.ringFrames = engine ? lookahead + batchSize * BATCHES : 0;
    this.ring = new Float32Array(this.ringFrames * this.cropFloats);
    this.ringFrame = new Int32Array(this.ringFrames).fill(-1);
    this.monitor = new LateFrameMonitor(
      Math.max(1, Math.round(((options.lateWindowMs ?? 2000) / 1000) * options.fps)),
      options.maxLateFraction ?? 0.2,
    );
    if (engine) {
      const box = faceCropBox(options.face, options.frame);
      this.cropper = new FaceCropper(box, s, engine.channelOrder);
      this.paster = new FacePaster(box, s, engine.channelOrder, options.face);
      for (let i = 0; i < BATCHES; i++) this.idleBatches.push(engine.createBatch());
    }
  }

  /**
   * Opens the model and reports the status; never rejects: a model that cannot be used gives
   * an inactive renderer (status builtin, with a notice saying what was wrong).
   */
  static async open(options: LipSyncRendererOptions): Promise<LipSyncRenderer> {
    try {
      const engine = await openLipSync({
        model: options.model,
        intraOpThreads: options.intraOpThreads,
      });
      try {
        const renderer = new LipSyncRenderer(options, engine);
        options.log?.info(
          { ...engine.interface, batchSize: engine.batchSize },
          'lip-sync model ready',
        );
        options.onStatus({ renderer: 'onnx' });
        return renderer;
      } catch (error) {
        await engine.close();
        throw error;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log?.warn({ err: error }, 'lip-sync model not used');
      options.onStatus({
        renderer: 'builtin',
        notice: `Lip-sync model not used: ${message}. The built-in renderer animates the mouth instead.`,
      });
      return new LipSyncRenderer(options, undefined);
    }
  }

  /** False once the layer is off (never opened, or fell back). */
  get active(): boolean {
    return this.engine !== undefined;
  }

  /** Starts lip-syncing an utterance; replaces the current one (as an interrupt does). */
  startUtterance(utterance: Utterance): void {
    this.stopUtterance();
    if (!this.engine || utterance.pcm.length === 0) return;
    this.audioId = this.engine.addAudio(utterance.pcm, utterance.sampleRateHz);
    this.utteranceFrames = videoFramesFor(
      utterance.pcm.length,
      utterance.sampleRateHz,
      this.options.fps,
    );
    this.startTick = utterance.startTick;
    this.pump();
  }

  /** Drops the current utterance and everything inferred for it (interrupt). */
  stopUtterance(): void {
    this.generation++;
    this.audioId = undefined;
    this.utteranceFrames = 0;
    this.nextFrame = 0;
    this.currentFrame = -1;
    this.ringFrame.fill(-1);
  }

  /**
   * Pastes the lip-synced lower face for video tick `tick` into `target` (RGBA, the avatar
   * frame's size, already holding the idle frame). False when there is nothing to paste:
   * no utterance at this tick, the layer is off, or the crop is not ready (counted as late).
   */
  frameFor(tick: number, target: Uint8Array): boolean {
    if (!this.engine || this.audioId === undefined || !this.paster) return false;
    const f = tick - this.startTick;
    if (f < 0) return false;
    if (f >= this.utteranceFrames) {
      this.stopUtterance();
      return false;
    }
    this.currentFrame = f;
    const slot = f % this.ringFrames;
    const ready = this.ringFrame[slot] === f;
    // The first batch of an utterance may still be on its way; later frames must be on time.
    if (f >= this.engine.batchSize) this.monitor.record(!ready);
    if (ready) {
      // The ring has the output's layout ([slots,3,S,S]), so it pastes without a view.
      this.paster.paste(target, this.options.frame.widthPx, this.ring, slot);
    }
    if (this.monitor.tripped()) {
      this.fallBack(
        `the lip-sync model cannot keep up on this host: ${Math.round(this.monitor.lateFraction() * 100)}% of frames were late over the last ${(this.options.lateWindowMs ?? 2000) / 1000} s (about ${Math.round(this.inferMsPerFrame)} ms of inference per frame; ${Math.round(1000 / this.options.fps)} ms available at ${this.options.fps} fps). Use a smaller model, a larger batch size, or a faster host`,
      );
      return ready;
    }
    this.pump();
    return ready;
  }

  /** True when the crop for `tick` is ready (offline rendering and tests). */
  isReady(tick: number): boolean {
    const f = tick - this.startTick;
    return f >= 0 && this.ringFrames > 0 && this.ringFrame[f % this.ringFrames] === f;
  }

  /** Resolves when `tick` is ready, the utterance ends, or the layer is off. */
  async waitFor(tick: number): Promise<boolean> {
    const f = tick - this.startTick;
    if (f < 0 || f >= this.utteranceFrames) return false;
    while (this.engine && this.audioId !== undefined && !this.isReady(tick)) {
      this.currentFrame = Math.max(this.currentFrame, tick - this.startTick - 1);
      this.pump();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.isReady(tick);
  }

  async close(): Promise<void> {
    this.stopUtterance();
    const engine = this.engine;
    this.engine = undefined;
    this.wake();
    await engine?.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private fallBack(reason: string): void {
    if (!this.engine) return;
    this.options.log?.warn(
      { inferMsPerFrame: this.inferMsPerFrame },
      'lip-sync fell back to the built-in renderer',
    );
    this.options.onStatus({
      renderer: 'builtin',
      notice: `Switched to the built-in renderer: ${reason}.`,
    });
    void this.close();
  }

  /** Starts batches while a batch is free and frames within the lookahead are not queued. */
  private pump(): void {
    const engine = this.engine;
    const cropper = this.cropper;
    const audioId = this.audioId;
    if (!engine || !cropper || audioId === undefined) return;
    // Frames already shown are not worth inferring: catch up instead.
    this.nextFrame = Math.max(this.nextFrame, this.currentFrame + 1);
    const limit = Math.min(
      this.utteranceFrames,
      this.currentFrame + 1 + this.ringFrames - engine.batchSize * BATCHES,
    );
    while (this.nextFrame < limit && this.idleBatches.length > 0) {
      const batch = this.idleBatches.pop()!;
      const first = this.nextFrame;
      const count = Math.min(engine.batchSize, limit - first);
      for (let b = 0; b < count; b++) {
        cropper.fill(batch.face, b, this.options.frame);
      }
      batch.count = count;
      this.nextFrame += count;
      void this.run(engine, batch, first, this.generation, audioId);
    }
  }

  private async run(
    engine: LipSyncEngine,
    batch: LipSyncBatch,
    first: number,
    generation: number,
    audioId: number,
  ) {
    const started = performance.now();
    try {
      await engine.infer(batch, { audioId, firstFrame: first, fps: this.options.fps });
    } catch (error) {
      if (this.engine !== engine) return; // closed meanwhile
      const detail = error instanceof LipSyncError ? error.message : String(error);
      this.fallBack(`the lip-sync model failed while running (${detail})`);
      return;
    }
    const perFrame = (performance.now() - started) / batch.count;
    this.inferMsPerFrame =
      this.inferMsPerFrame === 0 ? perFrame : 0.8 * this.inferMsPerFrame + 0.2 * perFrame;
    if (generation === this.generation) {
      const n = this.cropFloats;
      const out = batch.out;
      for (let b = 0; b < batch.count; b++) {
        const f = first + b;
        const slot = f % this.ringFrames;
        for (let k = 0, src = b * n, dst = slot * n; k < n; k++) this.ring[dst + k] = out[src + k]!;
        this.ringFrame[slot] = f;
      }
    }
    this.idleBatches.push(batch);
    this.wake();
    this.pump();
  }
}
