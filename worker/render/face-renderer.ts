/**
 * Renderer v2: a lifelike talking face on the CPU. Per frame: the idle layer (the video
 * loop's frame, or for a still a slight head sway and breathing), a piecewise-affine warp of
 * lips, jaw and chin driven by the MouthPose, a synthesised inner mouth only where a new
 * opening appears, blinking eyelids, and output as RGBA or I420 straight into the caller's
 * buffer. Everything pose-independent is precomputed; render() allocates nothing.
 */
import os from 'node:os';
import type { FrameStore } from '../../protocol/frame-store/read-frame-store';
import type { FrameLoop } from '../../protocol/frame-store/frame-store-format';
import type { FaceGeometry } from '../../protocol/face-geometry';
import type { MouthPose } from '../visemes/mouth-pose';
import {
  OPEN_AT_REST_THRESHOLD,
  type AvatarAppearance,
} from '../../protocol/appearance/avatar-appearance';
import {
  RING_SIZE,
  VERTEX_COUNT,
  lowerPartner,
  mouthFrame,
} from '../../protocol/appearance/face-mesh';
import { pixelsOf } from './bilinear';
import { Eyelid } from './eyelids';
import { i420Bytes, rgbaToI420 } from './i420';
import { IdleMotion } from './idle-motion';
import { InnerMouth } from './inner-mouth';
import { eyeShapes } from '../../protocol/appearance/face-landmarks';
import { MeshRaster, type InteriorAttributes } from './mesh-raster';
import { MouthRig } from './mouth-rig';

export type OutputFormat = 'rgba' | 'i420';

/** The avatar's frames: a still (one frame) or a video loop. A FrameStore fits. */
export interface FaceFrames {
  frameCount: number;
  loop: FrameLoop;
  /** RGBA frame `i`, widthPx × heightPx × 4 bytes; never written to. */
  frame(i: number): Uint8Array;
  /** One face per frame, or one for all frames. */
  faces: FaceGeometry[];
}

export interface FaceRendererOptions {
  frames: FaceFrames;
  widthPx: number;
  heightPx: number;
  appearance: AvatarAppearance;
  format: OutputFormat;
}

export interface RenderInput {
  /** Video frame counter: picks the loop frame. */
  tick: number;
  /** Session time, ms: drives the idle motion of a still. */
  timeMs: number;
  pose: MouthPose;
  /** 0 = eyes as in the frame, 1 = closed. */
  eyesClosed: number;
}

/** The frames of an opened frame store, as the renderer takes them. */
export function faceFramesFromStore(store: FrameStore): FaceFrames {
  const { frameCount, loop, faces } = store.manifest;
  return { frameCount, loop, faces, frame: (i) => store.frame(i) };
}

/** Which loop frame plays at video frame `tick`: ping-pong (0,1,…,n-1,n-2,…,1,0,…) or wrap. */
export function loopFrameIndex(tick: number, frameCount: number, loop: FrameLoop): number {
  if (frameCount <= 1) return 0;
  const t = Math.max(0, Math.floor(tick));
  if (loop === 'forward') return t % frameCount;
  const period = 2 * frameCount - 2;
  const i = t % period;
  return i < frameCount ? i : period - i;
}

interface FaceState {
  rig: MouthRig;
  eyelids: Eyelid[];
  /** Eye centres [x0, y0, x1, y1], px. */
  eyeCentres: Float64Array;
  /** The mouth's down axis. */
  downX: number;
  downY: number;
  restGapPx: Float64Array;
}

export class FaceRenderer {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly format: OutputFormat;
  /** Bytes of one output frame in `format`. */
  readonly frameBytes: number;
  /** Pixels of synthesised mouth interior in the last frame (for tests and metrics). */
  cavityPixels = 0;
  private readonly frameViews: Uint8Array[];
  private readonly framePixels: Uint32Array[];
  private readonly loop: FrameLoop;
  private readonly faces: FaceState[];
  private readonly idle: IdleMotion | undefined;
  private readonly raster: MeshRaster;
  private readonly inner: InnerMouth;
  /** The frame being composed, RGBA, and the same memory as packed pixels. */
  private readonly work: Uint8Array;
  private readonly workPixels: Uint32Array;
  /** A still's idle layer (sway and breathing), redrawn only when it has moved. */
  private readonly idleLayer: Uint32Array | undefined;
  private readonly posed = new Float64Array(VERTEX_COUNT * 2);
  private readonly attrs: InteriorAttributes;
  /**
   * I420 output: the composed frame converted, kept between frames so that only what moved
   * is converted again (the conversion was ~45 % of a still's frame time).
   */
  private readonly i420: Uint8Array | undefined;
  /** Region drawn over the idle layer in the last frame (mouth mesh, eyelids): x0 y0 x1 y1, px. */
  private readonly drawnBox = new Float64Array(4);
  /** Each eye's idle shift this frame (x, y per eye), drawn by render(), boxed by convertChanged. */
  private readonly eyeShift = new Float64Array(4);
  /** Loop frame index of the last frame; -1 before the first. */
  private lastIndex = -1;
  /** The last frame's pose (jawOpen, lipWidth, lipRound, lipClosure, lowerLipTuck), eyesClosed. */
  private readonly lastInput = new Float64Array(6).fill(NaN);

  constructor(options: FaceRendererOptions) {
    const { frames, widthPx, heightPx, appearance, format } = options;
    if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx < 2 || heightPx < 2) {
      throw new RangeError(`frame size must be whole pixels ≥ 2, got ${widthPx}x${heightPx}`);
    }
    if (frames.frameCount < 1) throw new RangeError('the avatar has no frames');
    // Pixels are handled as packed little-endian uint32 (R in the low byte).
    if (os.endianness() !== 'LE') throw new Error('the face renderer needs a little-endian CPU');
    if (frames.faces.length !== 1 && frames.faces.length !== frames.frameCount) {
      throw new RangeError(
        `faces has ${frames.faces.length} entries for ${frames.frameCount} frames; give one per frame or one for all`,
      );
    }
    const triangles = Int32Array.from(appearance.mesh.triangles.flat());
    if (triangles.some((i) => i < 0 || i >= VERTEX_COUNT)) {
      throw new RangeError('appearance mesh refers to vertices this renderer does not have');
    }
    this.widthPx = widthPx;
    this.heightPx = heightPx;
    this.format = format;
    this.frameBytes = format === 'i420' ? i420Bytes(widthPx, heightPx) : widthPx * heightPx * 4;
    this.loop = frames.loop;
    this.frameViews = Array.from({ length: frames.frameCount }, (_, i) => {
      const view = frames.frame(i);
      if (view.length !== widthPx * heightPx * 4) {
        throw new RangeError(
          `frame ${i} is ${view.length} bytes, expected RGBA ${widthPx}x${heightPx}`,
        );
      }
      return view;
    });
    const openAtRest = appearance.mouthOpenAtRest > OPEN_AT_REST_THRESHOLD;
    this.faces = frames.faces.map((face, i) => {
      const image = { data: this.frameViews[i]!, widthPx, heightPx };
      const rig = new MouthRig(face, openAtRest);
      const eyes = eyeShapes(face);
      const m = mouthFrame(face);
      const restGapPx = new Float64Array(VERTEX_COUNT);
      for (let k = 0; k <= 10; k++) {
        restGapPx[k] = rig.restGapPx[k]!;
        restGapPx[lowerPartner(k)] = rig.restGapPx[k]!;
      }
      return {
        rig,
        eyelids: eyes.map((eye) => new Eyelid(image, eye)),
        eyeCentres: Float64Array.from(
          eyes.flatMap((e) => [(e.left.x + e.right.x) / 2, (e.upper.y + e.lower.y) / 2]),
        ),
        downX: m.ey.x,
        downY: m.ey.y,
        restGapPx,
      };
    });
    // A video loop moves by itself; only a still gets the synthetic idle motion.
    this.idle =
      frames.frameCount === 1 ? new IdleMotion(widthPx, heightPx, frames.faces[0]!) : undefined;
    this.raster = new MeshRaster(widthPx, heightPx, triangles, appearance.mesh.interiorCount);
    this.inner = new InnerMouth(appearance);
    this.framePixels = this.frameViews.map(pixelsOf);
    this.work = new Uint8Array(widthPx * heightPx * 4);
    this.workPixels = new Uint32Array(this.work.buffer);
    this.idleLayer = this.idle ? new Uint32Array(widthPx * heightPx) : undefined;
    this.i420 = format === 'i420' ? new Uint8Array(this.frameBytes) : undefined;
    const u = new Float64Array(VERTEX_COUNT);
    const s = new Float64Array(VERTEX_COUNT);
    for (let k = 0; k < RING_SIZE; k++) {
      u[k] = k <= 10 ? k / 10 : (RING_SIZE - k) / 10;
      s[k] = k === 0 || k === 10 ? 0.5 : k < 10 ? 0 : 1;
    }
    this.attrs = {
      u,
      s,
      gapPx: new Float64Array(VERTEX_COUNT),
      restGapPx: this.faces[0]!.restGapPx,
    };
  }

  /** Renders one frame into `out` (frameBytes long, in `format`); allocates nothing. */
  render(out: Uint8Array, input: RenderInput): void {
    if (out.length !== this.frameBytes) {
      throw new RangeError(`output buffer is ${out.length} bytes, expected ${this.frameBytes}`);
    }
    const index = loopFrameIndex(input.tick, this.frameViews.length, this.loop);
    const src = this.framePixels[index]!;
    const face = this.faces[this.faces.length === 1 ? 0 : index]!;
    const target = this.work;
    const posed = this.posed;
    const idle = this.idle;
    // Whether the pixels under the mouth and the eyes changed since the last frame: a new
    // loop frame (the whole frame is converted again) or a redrawn idle layer (its box is).
    const frameChanged = index !== this.lastIndex;
    this.lastIndex = index;
    const layer = this.idleLayer;
    let redrawn: IdleMotion | undefined;
    if (idle && layer && idle.advance(input.timeMs)) {
      layer.set(src);
      idle.apply(src, layer);
      redrawn = idle;
    }
    // Nothing moved (a still in silence, the sway below its redraw step, eyes open): this
    // frame is the last one. Most frames of a listening avatar.
    const sameInput = this.sameAsLast(input);
    if (!frameChanged && !redrawn && sameInput) {
      out.set(this.i420 ?? target);
      return;
    }
    face.rig.pose(posed, input.pose);
    if (idle && layer) {
      this.workPixels.set(layer);
      // The mouth mesh rides on the head: each vertex moves as the idle warp moves its pixel.
      const rest = face.rig.rest;
      for (let v = 0; v < VERTEX_COUNT; v++) {
        const x = rest[v * 2]!;
        const y = rest[v * 2 + 1]!;
        posed[v * 2] = posed[v * 2]! + idle.displacementX(x, y);
        posed[v * 2 + 1] = posed[v * 2 + 1]! + idle.displacementY(x, y);
      }
    } else {
      this.workPixels.set(src);
    }

    // Gap of each mouth column now, measured along the mouth's down axis.
    const attrs = this.attrs;
    attrs.restGapPx = face.restGapPx;
    for (let k = 0; k <= 10; k++) {
      const l = lowerPartner(k);
      const gap =
        (posed[l * 2]! - posed[k * 2]!) * face.downX +
        (posed[l * 2 + 1]! - posed[k * 2 + 1]!) * face.downY;
      attrs.gapPx[k] = gap > 0 ? gap : 0;
      attrs.gapPx[l] = gap > 0 ? gap : 0;
    }
    this.cavityPixels = this.raster.draw(
      src,
      this.workPixels,
      face.rig.rest,
      posed,
      this.inner,
      attrs,
    );

    const eyeShift = this.eyeShift;
    for (let e = 0; e < face.eyelids.length; e++) {
      const cx = face.eyeCentres[e * 2]!;
      const cy = face.eyeCentres[e * 2 + 1]!;
      eyeShift[e * 2] = idle ? idle.displacementX(cx, cy) : 0;
      eyeShift[e * 2 + 1] = idle ? idle.displacementY(cx, cy) : 0;
      face.eyelids[e]!.apply(
        target,
        input.eyesClosed,
        target,
        eyeShift[e * 2],
        eyeShift[e * 2 + 1],
      );
    }

    if (this.i420) {
      this.convertChanged(face, posed, frameChanged, redrawn);
      out.set(this.i420);
    } else out.set(target);
  }

  /** Whether `input` draws what the last frame drew over an unchanged layer; remembers it. */
  private sameAsLast(input: RenderInput): boolean {
    const last = this.lastInput;
    const { pose } = input;
    const same =
      last[0] === pose.jawOpen &&
      last[1] === pose.lipWidth &&
      last[2] === pose.lipRound &&
      last[3] === pose.lipClosure &&
      last[4] === pose.lowerLipTuck &&
      last[5] === input.eyesClosed;
    last[0] = pose.jawOpen;
    last[1] = pose.lipWidth;
    last[2] = pose.lipRound;
    last[3] = pose.lipClosure;
    last[4] = pose.lowerLipTuck;
    last[5] = input.eyesClosed;
    return same;
  }

  /**
   * Brings the I420 copy up to date with the work frame. Over an unchanged layer only the
   * mouth mesh and the eyelids differ from the last frame, where they are now and where
   * they were (those pixels went back to the layer): only that box is converted again. A
   * redrawn idle layer (`redrawn`) adds the idle warp's box (nothing outside it moves); a new
   * loop frame is converted whole.
   */
  private convertChanged(
    face: FaceState,
    posed: Float64Array,
    frameChanged: boolean,
    redrawn: IdleMotion | undefined,
  ): void {
    const { widthPx, heightPx } = this;
    // The mesh writes inside its triangles' bounding boxes (mesh-raster.ts); 2 px to spare.
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let v = 0; v < VERTEX_COUNT; v++) {
      const x = posed[v * 2]!;
      const y = posed[v * 2 + 1]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    x0 = Math.floor(x0) - 2;
    y0 = Math.floor(y0) - 2;
    x1 = Math.ceil(x1) + 3;
    y1 = Math.ceil(y1) + 3;
    // Where the eyelids were drawn this frame (render() kept their shift).
    for (let e = 0; e < face.eyelids.length; e++) {
      const lid = face.eyelids[e]!;
      const dx = Math.round(this.eyeShift[e * 2]!);
      const dy = this.eyeShift[e * 2 + 1]!;
      x0 = Math.min(x0, lid.boxX0 + dx - 1);
      x1 = Math.max(x1, lid.boxX1 + dx + 1);
      y0 = Math.min(y0, Math.floor(lid.boxY0 + dy) - 1);
      y1 = Math.max(y1, Math.ceil(lid.boxY1 + dy) + 1);
    }
    const box = this.drawnBox;
    const i420 = this.i420!;
    if (frameChanged) {
      rgbaToI420(this.workPixels, widthPx, heightPx, i420);
    } else {
      let cx0 = Math.min(x0, box[0]!);
      let cy0 = Math.min(y0, box[1]!);
      let cx1 = Math.max(x1, box[2]!);
      let cy1 = Math.max(y1, box[3]!);
      if (redrawn) {
        cx0 = Math.min(cx0, redrawn.x0);
        cy0 = Math.min(cy0, redrawn.y0);
        cx1 = Math.max(cx1, redrawn.x1);
        cy1 = Math.max(cy1, redrawn.y1);
      }
      rgbaToI420(this.workPixels, widthPx, heightPx, i420, cx0, cy0, cx1, cy1);
    }
    box[0] = x0;
    box[1] = y0;
    box[2] = x1;
    box[3] = y1;
  }
}
