/**
 * Face geometry of a prepared avatar, as the app's preparation finds it and the worker's
 * renderer reads it: pixels of the prepared frame, origin top-left.
 */
import { z } from 'zod';

/** A point in pixels of the prepared avatar frame. */
export const pointSchema = z.tuple([z.number(), z.number()]);

/**
 * Face geometry of a prepared avatar, in pixels of the prepared frame (origin top-left).
 * `landmarks` holds the 468 MediaPipe FaceMesh points in their canonical order.
 */
export const faceGeometrySchema = z.object({
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  landmarks: z.array(pointSchema).length(468),
});
export type FaceGeometry = z.infer<typeof faceGeometrySchema>;
