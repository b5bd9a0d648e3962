/**
 * Output framings an avatar can be prepared in. Every framing is head and shoulders with the
 * face centred and the eye line at 40 % of the height; the head has the same size relative
 * to the frame height in all of them, so a wide framing only adds background at the sides.
 */
import { z } from 'zod';

export const FRAMINGS = {
  'square-512': { widthPx: 512, heightPx: 512, label: 'Square 512 × 512' },
  'square-720': { widthPx: 720, heightPx: 720, label: 'Square 720 × 720' },
  'wide-720p': { widthPx: 1280, heightPx: 720, label: 'Wide 1280 × 720 (720p)' },
} as const;

export type FramingId = keyof typeof FRAMINGS;
export type Framing = (typeof FRAMINGS)[FramingId];

export const DEFAULT_FRAMING: FramingId = 'square-512';

const FRAMING_IDS = Object.keys(FRAMINGS) as [FramingId, ...FramingId[]];

export const framingSchema = z.enum(FRAMING_IDS, {
  errorMap: () => ({ message: `framing must be one of: ${FRAMING_IDS.join(', ')}` }),
});

/** Face width (landmark bounding box) as a fraction of the frame height. */
export const FACE_WIDTH_OF_HEIGHT = 0.45;
/** Height of the eye line as a fraction of the frame height, from the top. */
export const EYE_LINE_OF_HEIGHT = 0.4;
