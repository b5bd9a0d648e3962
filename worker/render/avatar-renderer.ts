/**
 * Renderer v1: the prepared portrait, with eyelids that blink and a mouth that opens with
 * the speech. Everything outside the eye and mouth regions stays the portrait's own pixels.
 */
import type { FaceGeometry } from '../protocol/session-request';
import { Eyelid } from './eyelids';
import { eyeShapes, mouthShape } from './landmarks';
import { MouthWarp } from './mouth-warp';
import type { RgbaImage } from './rgba-image';

export interface FacePose {
  /** 0 = closed mouth (the portrait's own), 1 = fully open. */
  mouthOpen: number;
  /** 0 = eyes as in the portrait, 1 = closed. */
  eyesClosed: number;
}

export class AvatarRenderer {
  private readonly mouth: MouthWarp;
  private readonly eyelids: Eyelid[];

  constructor(
    readonly image: RgbaImage,
    face: FaceGeometry,
  ) {
    this.mouth = new MouthWarp(image, mouthShape(face));
    this.eyelids = eyeShapes(face).map((eye) => new Eyelid(image, eye));
  }

  get widthPx(): number {
    return this.image.widthPx;
  }

  get heightPx(): number {
    return this.image.heightPx;
  }

  /** Bytes of one RGBA frame. */
  get frameBytes(): number {
    return this.image.widthPx * this.image.heightPx * 4;
  }

  /** Renders one frame into `out` (frameBytes long); allocates nothing. */
  render(out: Uint8Array, pose: FacePose): void {
    if (out.length !== this.frameBytes) throw new Error('output buffer has the wrong size');
    out.set(this.image.data);
    this.mouth.apply(out, pose.mouthOpen);
    for (const lid of this.eyelids) lid.apply(out, pose.eyesClosed);
  }
}
