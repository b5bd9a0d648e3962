/** Why a lip-sync model cannot be used; the message tells the user what to do about it. */
export type LipSyncErrorCode =
  /** The model file does not exist or cannot be read. */
  | 'model_missing'
  /** The file is not an ONNX model onnxruntime can load. */
  | 'model_invalid'
  /** An ONNX model, but not the Wav2Lip interface (inputs, shapes, output). */
  | 'interface_mismatch'
  /** The model loaded but a run failed. */
  | 'inference_failed'
  /** The inference thread died or was closed. */
  | 'engine_closed';

export class LipSyncError extends Error {
  override readonly name = 'LipSyncError';
  constructor(
    readonly code: LipSyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}
