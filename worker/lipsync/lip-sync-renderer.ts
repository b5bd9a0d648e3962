/**
 * The session's ONNX lip-sync layer. Utterances are queued with the video tick at which they
 * become audible; their mel is computed on the inference thread, and the model runs ahead of
 * playback in batches there, the generated face crops kept in a ring by tick;
 * `frameFor(tick)` pastes the crop for that video frame onto
 * the frame the built-in renderer drew, or says it is not ready (the caller then shows the
 * built-in mouth). If the model is missing or malformed, or inference cannot keep up with the
 * frame rate, the layer switches itself off for the rest of the session and reports why.
 */
import type { Logger } from '../log';
import type { LipSyncModel } from '../../protocol/lip-sync/lip-sync-model';
import type { FaceGeometry } from '../../protocol/face-geometry';
import type { RgbaImage } from '../../protocol/appearance/rgba-image';
import { FaceCropper, faceCropBox } from './face-crop';
import { FacePaster } from './face-paste';
import { LipSyncError } from '../../protocol/lip-sync/lip-sync-error';
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
  /**
   * The avatar frame and its face landmarks: they fix the crop box and the paste mask for
   * the session (Wav2Lip keeps the box steady; the model redraws whatever the crop holds).
   */
  frame: RgbaImage;
  face: FaceGeometry;
  /**
   * For video avatars: the source frame shown at a tick (same size as `frame`), cropped as
   * the model's input for that tick. Default: `frame` for every tick.
   */
  frameAt?: (tick: number) => { data: Uint8Array; widthPx: number };
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

interface QueuedUtterance {
  /** The speech on the inference thread. */
  audioId: number;
  startTick: number;
  /** First tick after the utterance. */
  endTick: number;
}

/** Batches in rotation: one being inferred while the next is filled. */
const BATCHES = 2;

export class LipSyncRenderer {
  private engine: LipSyncEngine | undefined;
  private readonly cropper: FaceCropper | undefined;
  private readonly paster: FacePaster | undefined;
  private readonly idleBatches: LipSyncBatch[] = [];
  /** Generated crops, [slots,3,S,S]: tick t in slot t % ringFrames, which holds ringTick. */
  private readonly ring: Float32Array;
  private readonly ringTick: Float64Array;
  private readonly ringFrames: number;
  private readonly cropFloats: number;
  private readonly monitor: LateFrameMonitor;
  /** Utterances not yet over, in start order. */
  private readonly queue: QueuedUtterance[] = [];
  /** Next tick to infer. */
  private nextTick = 0;
  /** Tick last asked for by frameFor. */
  private currentTick = -Infinity;
  /** Bumped by interrupt so results inferred before it are dropped. */
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
    this.ringTick = new Float64Array(this.ringFrames).fill(-1);
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

  /**
   * Queues an utterance (one sentence as the speech player pushes it). Call it when its audio
   * is handed to the audio track, with the tick at which it will be heard, so inference runs
   * while the audio sits in the queue. An utterance starting before the previous one ends
   * cuts that one short.
   */
  startUtterance(utterance: Utterance): void {
    const engine = this.engine;
    if (!engine || utterance.pcm.length === 0) return;
    const frames = videoFramesFor(utterance.pcm.length, utterance.sampleRateHz, this.options.fps);
    const startTick = utterance.startTick;
    for (const u of this.queue) u.endTick = Math.min(u.endTick, startTick);
    this.dropFinished((u) => u.endTick <= u.startTick);
    const audioId = engine.addAudio(utterance.pcm, utterance.sampleRateHz);
    this.queue.push({ audioId, startTick, endTick: startTick + frames });
    this.pump();
  }

  /** Drops every queued utterance and everything inferred for them (interrupt). */
  stopUtterance(): void {
    this.generation++;
    for (const u of this.queue) this.engine?.dropAudio(u.audioId);
    this.queue.length = 0;
    this.ringTick.fill(-1);
    this.nextTick = 0;
  }

  /** True while `tick` falls in a queued utterance (whether or not its crop is ready). */
  speakingAt(tick: number): boolean {
    return this.utteranceAt(tick) !== undefined;
  }

  /**
   * Pastes the lip-synced lower face for video tick `tick` into `target` (RGBA, the avatar
   * frame's size, already holding the idle frame). False when there is nothing to paste:
   * no utterance at this tick, the layer is off, or the crop is not ready (counted as late).
   * Call it once per tick, in tick order.
   */
  frameFor(tick: number, target: Uint8Array): boolean {
    const engine = this.engine;
    if (!engine || !this.paster) return false;
    this.currentTick = tick;
    this.dropFinished((u) => u.endTick <= tick);
    const u = this.utteranceAt(tick);
    if (!u) {
      this.pump();
      return false;
    }
    const slot = tick % this.ringFrames;
    const ready = this.ringTick[slot] === tick;
    // The first batch of an utterance may still be on its way; later frames must be on time.
    if (tick - u.startTick >= engine.batchSize) this.monitor.record(!ready);
    // The ring has the output's layout, so the crop pastes without a view.
    if (ready) this.paster.paste(target, this.options.frame.widthPx, this.ring, slot);
    if (this.monitor.tripped()) {
      this.fallBack(
        `the lip-sync model cannot keep up on this host: ${Math.round(this.monitor.lateFraction() * 100)}% of frames were late over the last ${(this.options.lateWindowMs ?? 2000) / 1000} s (about ${Math.round(this.inferMsPerFrame)} ms of inference per frame; ${Math.round(1000 / this.options.fps)} ms available at ${this.options.fps} fps). Use a smaller model, a larger batch size, or a faster host`,
      );
      return ready;
    }
    this.pump();
    return ready;
  }

  /** True when the crop for `tick` is ready. */
  isReady(tick: number): boolean {
    return this.ringFrames > 0 && this.ringTick[tick % this.ringFrames] === tick;
  }

  /**
   * Offline rendering and tests: resolves true once `tick`'s crop is ready, false if `tick`
   * is in no utterance or the layer is off. Ticks before it are no longer inferred.
   */
  async waitFor(tick: number): Promise<boolean> {
    if (!this.utteranceAt(tick)) return false;
    this.currentTick = Math.max(this.currentTick, tick - 1);
    while (this.engine && this.utteranceAt(tick) && !this.isReady(tick)) {
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

  private utteranceAt(tick: number): QueuedUtterance | undefined {
    for (const u of this.queue) if (tick >= u.startTick && tick < u.endTick) return u;
    return undefined;
  }

  /** Removes utterances matching `done` from the queue and their audio from the thread. */
  private dropFinished(done: (u: QueuedUtterance) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const u = this.queue[i]!;
      if (!done(u)) continue;
      this.engine?.dropAudio(u.audioId);
      this.queue.splice(i, 1);
    }
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

  /** Starts batches while a batch is free and ticks within the lookahead are not queued. */
  private pump(): void {
    const engine = this.engine;
    const cropper = this.cropper;
    if (!engine || !cropper) return;
    const first = this.queue[0];
    if (!first) return;
    // Before the first frameFor call nothing has been shown: count from the first utterance.
    const shown = Number.isFinite(this.currentTick) ? this.currentTick : first.startTick - 1;
    // Ticks already shown are not worth inferring: catch up instead.
    this.nextTick = Math.max(this.nextTick, shown + 1);
    // Slots of ticks not yet shown must not be overwritten.
    const limit = shown + 1 + this.ringFrames - engine.batchSize * BATCHES;
    while (this.idleBatches.length > 0) {
      // The utterance holding nextTick, or the next one to start.
      let u: QueuedUtterance | undefined;
      for (const q of this.queue) {
        if (q.endTick > this.nextTick && (!u || q.startTick < u.startTick)) u = q;
      }
      if (!u) return;
      const start = Math.max(this.nextTick, u.startTick);
      const count = Math.min(engine.batchSize, u.endTick - start, limit - start);
      if (!(count > 0)) return;
      const batch = this.idleBatches.pop()!;
      const frameAt = this.options.frameAt;
      for (let b = 0; b < count; b++) {
        cropper.fill(batch.face, b, frameAt ? frameAt(start + b) : this.options.frame);
      }
      batch.count = count;
      this.nextTick = start + count;
      void this.run(engine, batch, start, u, this.generation);
    }
  }

  private async run(
    engine: LipSyncEngine,
    batch: LipSyncBatch,
    firstTick: number,
    u: QueuedUtterance,
    generation: number,
  ) {
    const started = performance.now();
    const melFrom = {
      audioId: u.audioId,
      firstFrame: firstTick - u.startTick,
      fps: this.options.fps,
    };
    try {
      await engine.infer(batch, melFrom);
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
        const tick = firstTick + b;
        const slot = tick % this.ringFrames;
        for (let k = 0, src = b * n, dst = slot * n; k < n; k++) this.ring[dst + k] = out[src + k]!;
        this.ringTick[slot] = tick;
      }
    }
    this.idleBatches.push(batch);
    this.wake();
    this.pump();
  }
}
