/**
 * A user-supplied ONNX lip-sync model (Wav2Lip-compatible interface), as sent from the app to
 * the worker. Owned by the ONNX lip-sync work (worker/lipsync).
 */
import { z } from 'zod';

export const lipSyncModelSchema = z.object({
  /** Absolute path of the .onnx file on the worker host. */
  modelPath: z.string().min(1),
  /** Input names; when absent, inputs are resolved by shape ([B,1,80,16] mel, [B,6,S,S] face). */
  melInput: z.string().min(1).optional(),
  faceInput: z.string().min(1).optional(),
  /** Channel order the model expects for face pixels (Wav2Lip: bgr). */
  channelOrder: z.enum(['bgr', 'rgb']).default('bgr'),
  /** Frames per inference call. */
  batchSize: z.number().int().min(1).max(32).default(4),
});
export type LipSyncModel = z.infer<typeof lipSyncModelSchema>;
