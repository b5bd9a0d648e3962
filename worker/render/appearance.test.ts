import { describe, expect, it } from 'vitest';
import { syntheticAvatar, syntheticImage, SYNTHETIC_FACE } from '../testing/synthetic-avatar';
import {
  avatarAppearanceSchema,
  measureAppearance,
} from '../../protocol/appearance/avatar-appearance';
import { VERTEX_COUNT } from '../../protocol/appearance/face-mesh';
import type { RgbaImage } from '../../protocol/appearance/rgba-image';

const face = syntheticAvatar('unused.png').face;

/** The synthetic portrait with its mouth opened: dark gap, white upper teeth. */
function openMouthImage(): { image: RgbaImage; face: typeof face } {
  const image = syntheticImage();
  const landmarks = face.landmarks.map((p): [number, number] => [p[0], p[1]]);
  landmarks[13] = [256, 356];
  landmarks[14] = [256, 372];
  for (let y = 356; y <= 372; y++) {
    for (let x = 222; x <= 290; x++) {
      const o = (y * image.widthPx + x) * 4;
      const teeth = y < 362;
      image.data.set(teeth ? [235, 230, 220] : [40, 12, 14], o);
    }
  }
  return { image, face: { ...face, landmarks } };
}

describe('measureAppearance', () => {
  it('measures lips, skin, mesh and a closed mouth on the synthetic face', () => {
    const a = measureAppearance(syntheticImage(), face);
    expect(avatarAppearanceSchema.parse(JSON.parse(JSON.stringify(a)))).toEqual(a);
    // The synthetic face has only key landmarks, so the contours are fitted arcs.
    expect(a.lipSource).toBe('keypoints');
    expect(a.mesh.vertices).toHaveLength(VERTEX_COUNT);
    expect(a.mesh.interiorCount).toBeGreaterThan(10);
    for (const t of a.mesh.triangles) for (const i of t) expect(i).toBeLessThan(VERTEX_COUNT);
    // Lip colour is the drawn lips' red, skin the drawn skin (224,172,140 ± texture).
    expect(a.lipRgb[0]).toBeGreaterThan(a.lipRgb[1] + 60);
    const skin = [224, 172, 140];
    a.skinRgb.forEach((v, i) => expect(Math.abs(v - skin[i]!)).toBeLessThan(15));
    expect(a.mouthOpenAtRest).toBeLessThan(0.05);
    expect(a.teeth).toBeNull();
    expect(a.mouthWidthPx).toBeCloseTo(
      SYNTHETIC_FACE.mouth.right[0] - SYNTHETIC_FACE.mouth.left[0],
    );
    expect(JSON.stringify(a).length).toBeLessThan(12_000);
  });

  it('takes a teeth sample when the mouth is open at rest and shows bright teeth', () => {
    const { image, face: open } = openMouthImage();
    const a = measureAppearance(image, open);
    expect(a.mouthOpenAtRest).toBeGreaterThan(0.15);
    expect(a.teeth).not.toBeNull();
    const patch = Buffer.from(a.teeth!.rgbaBase64, 'base64');
    expect(patch.length).toBe(a.teeth!.widthPx * a.teeth!.heightPx * 4);
    // Mostly teeth-white.
    let bright = 0;
    for (let i = 0; i < patch.length; i += 4) if (patch[i]! > 200) bright++;
    expect(bright / (patch.length / 4)).toBeGreaterThan(0.6);
  });
});
