/** How much a region of the avatar's video changed between two frames a viewer received. */
import { SYNTHETIC_FACE } from '../../../worker/testing/synthetic-avatar';

/** A box in 512-px avatar coordinates. */
export interface AvatarBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Mean absolute RGB difference of two RGBA frames inside a box in 512-px avatar coordinates. */
export function regionDiff(
  a: { data: Uint8Array; widthPx: number },
  b: { data: Uint8Array; widthPx: number },
  box: AvatarBox,
): number {
  const scale = a.widthPx / 512;
  let sum = 0;
  let n = 0;
  for (let y = Math.round(box.y0 * scale); y < Math.round(box.y1 * scale); y++) {
    for (let x = Math.round(box.x0 * scale); x < Math.round(box.x1 * scale); x++) {
      const o = (y * a.widthPx + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs((a.data[o + c] ?? 0) - (b.data[o + c] ?? 0));
      n += 3;
    }
  }
  return sum / Math.max(1, n);
}

/** The synthetic avatar's mouth. */
export const MOUTH_BOX: AvatarBox = {
  x0: SYNTHETIC_FACE.mouth.left[0] + 10,
  x1: SYNTHETIC_FACE.mouth.right[0] - 10,
  y0: 355,
  y1: 400,
};

/** A corner far from the face: it differs between frames by codec noise only. */
export const FAR_BOX: AvatarBox = { x0: 10, x1: 90, y0: 10, y1: 90 };

/**
 * Samples the latest frame `samples` times, 80 ms apart, and returns the largest mouth-region
 * difference from `idleFrame`, with the far corner's difference in that same frame (codec
 * noise): speech that moves the mouth shows as a mouth difference far above the far one.
 */
export async function mouthMovement(
  latest: () => { data: Uint8Array; widthPx: number } | undefined,
  idleFrame: { data: Uint8Array; widthPx: number },
  samples: number,
): Promise<{ mouth: number; far: number }> {
  let mouth = 0;
  let far = 0;
  for (let i = 0; i < samples; i++) {
    await new Promise((resolve) => setTimeout(resolve, 80));
    const frame = latest();
    if (!frame) continue;
    const diff = regionDiff(frame, idleFrame, MOUTH_BOX);
    if (diff > mouth) {
      mouth = diff;
      far = regionDiff(frame, idleFrame, FAR_BOX);
    }
  }
  return { mouth, far };
}
