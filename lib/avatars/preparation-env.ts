/**
 * Configuration the preparation job reads from its environment. The job validates it on
 * start (exit 2 with one line per problem); the app's env schema can reuse the same field.
 */
import { z } from 'zod';

/** FACECAST_VIDEO_LOOP_MAX_SECONDS: longest loop kept from a video avatar, 1..60 s. */
export const videoLoopMaxSecondsSchema = z.coerce
  .number({ message: 'must be a number of seconds' })
  .min(1)
  .max(60)
  .default(10);

export const preparationEnvSchema = z.object({
  FACECAST_VIDEO_LOOP_MAX_SECONDS: videoLoopMaxSecondsSchema,
});
