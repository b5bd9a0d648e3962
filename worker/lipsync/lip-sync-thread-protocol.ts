/** Messages between the session thread and the lip-sync inference thread. */
import type { LipSyncErrorCode } from '../../protocol/lip-sync/lip-sync-error';
import type { ResolvedInterface } from '../../protocol/lip-sync/model-interface';

/** Which mel windows a batch takes from audio the thread already holds. */
export interface MelSource {
  audioId: number;
  firstFrame: number;
  /** Video frames per second. */
  fps: number;
}

export type LipSyncThreadRequest =
  | {
      case: 'open';
      value: {
        modelPath: string;
        melInput: string | undefined;
        faceInput: string | undefined;
        intraOpThreads: number;
      };
    }
  | {
      /** Speech to compute the Wav2Lip mel of, here rather than on the session thread. */
      case: 'audio';
      value: { audioId: number; pcm: Int16Array | Float32Array; sampleRateHz: number };
    }
  | { case: 'dropAudio'; value: { audioId: number } }
  | {
      case: 'infer';
      /** Buffers are transferred to the thread and come back in the reply. */
      value: {
        id: number;
        count: number;
        mel: Float32Array;
        face: Float32Array;
        out: Float32Array;
        /** Fill `mel` here from audio sent earlier: windows of frames firstFrame.. at fps. */
        melFrom?: MelSource;
      };
    }
  | { case: 'close' };

export type LipSyncThreadReply =
  | { case: 'opened'; value: ResolvedInterface }
  | { case: 'openFailed'; value: { code: LipSyncErrorCode; message: string } }
  | {
      case: 'inferred';
      value: {
        id: number;
        mel: Float32Array;
        face: Float32Array;
        out: Float32Array;
        /** Time of the model run alone, in ms. */
        inferMs: number;
      };
    }
  | {
      case: 'inferFailed';
      value: {
        id: number;
        mel: Float32Array;
        face: Float32Array;
        out: Float32Array;
        code: LipSyncErrorCode;
        message: string;
      };
    };
