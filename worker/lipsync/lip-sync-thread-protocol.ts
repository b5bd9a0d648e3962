/** Messages between the session thread and the lip-sync inference thread. */
import type { LipSyncErrorCode } from './lip-sync-error';
import type { ResolvedInterface } from './model-interface';

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
      case: 'infer';
      /** Buffers are transferred to the thread and come back in the reply. */
      value: {
        id: number;
        count: number;
        mel: Float32Array;
        face: Float32Array;
        out: Float32Array;
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
