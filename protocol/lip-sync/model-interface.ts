/**
 * Matching a model's declared inputs and output to the Wav2Lip interface: mel [B,1,80,16],
 * face [B,6,S,S] → [B,3,S,S]. Inputs are found by the configured names, else by shape, so a
 * model exported with any input names or order works.
 */
import { LipSyncError } from './lip-sync-error';

/** Mel bands of the Wav2Lip spectrogram (worker/lipsync/wav2lip-mel.ts computes it). */
export const N_MELS = 80;
/** Width of the mel window Wav2Lip feeds per video frame (`mel_step_size`). */
export const MEL_STEP_SIZE = 16;

/** The part of onnxruntime's `InferenceSession.ValueMetadata` we read. */
export interface ValueInfo {
  name: string;
  isTensor: boolean;
  type?: string;
  /** Numbers are fixed sizes, strings symbolic (dynamic) dimensions; [] when undeclared. */
  shape?: ReadonlyArray<number | string>;
}

export interface ResolvedInterface {
  melName: string;
  faceName: string;
  outputName: string;
  /** Face crop side S in px. */
  faceSizePx: number;
}

export interface InterfaceHints {
  melInput?: string | undefined;
  faceInput?: string | undefined;
}

const MIN_FACE_PX = 32;
const MAX_FACE_PX = 1024;

const showShape = (v: ValueInfo) =>
  v.shape && v.shape.length > 0 ? `[${v.shape.join(',')}]` : '(undeclared shape)';

/** Dimension d is `expected` or left open (symbolic/-1/undeclared). */
function dimFits(d: number | string | undefined, expected: number): boolean {
  return typeof d !== 'number' || d < 0 || d === expected;
}

function isMelShape(v: ValueInfo): boolean {
  const s = v.shape ?? [];
  return (
    s.length === 4 && dimFits(s[1], 1) && dimFits(s[2], N_MELS) && dimFits(s[3], MEL_STEP_SIZE)
  );
}

function faceSize(v: ValueInfo): number | undefined {
  const s = v.shape ?? [];
  if (s.length !== 4 || !dimFits(s[1], 6)) return undefined;
  const [h, w] = [s[2], s[3]];
  if (typeof h !== 'number' || typeof w !== 'number' || h !== w) return undefined;
  return h >= MIN_FACE_PX && h <= MAX_FACE_PX ? h : undefined;
}

function checkFloat(v: ValueInfo, role: string): void {
  if (!v.isTensor || (v.type !== undefined && v.type !== 'float32')) {
    throw new LipSyncError(
      'interface_mismatch',
      `${role} "${v.name}" must be a float32 tensor, the model declares ${v.isTensor ? v.type : 'a non-tensor'}`,
    );
  }
}

function byName(inputs: readonly ValueInfo[], name: string, role: string): ValueInfo {
  const found = inputs.find((v) => v.name === name);
  if (!found) {
    throw new LipSyncError(
      'interface_mismatch',
      `the model has no input named "${name}" (configured as the ${role} input); its inputs are ${inputs.map((v) => `"${v.name}"`).join(', ')}. Fix the ${role} input name in the avatar's lip-sync settings or leave it empty to match by shape`,
    );
  }
  return found;
}

/**
 * Picks the mel and face inputs and the output, or throws `interface_mismatch` naming the
 * input and the shape that is wrong.
 */
export function resolveInterface(
  inputs: readonly ValueInfo[],
  outputs: readonly ValueInfo[],
  hints: InterfaceHints = {},
): ResolvedInterface {
  const expected = `mel [B,1,${N_MELS},${MEL_STEP_SIZE}] and face [B,6,S,S]`;
  if (inputs.length !== 2) {
    throw new LipSyncError(
      'interface_mismatch',
      `a Wav2Lip-compatible model has exactly two inputs (${expected}); this one has ${inputs.length}: ${inputs.map((v) => `"${v.name}" ${showShape(v)}`).join(', ')}`,
    );
  }
  let mel = hints.melInput ? byName(inputs, hints.melInput, 'mel') : undefined;
  let face = hints.faceInput ? byName(inputs, hints.faceInput, 'face') : undefined;
  if (mel && face && mel === face) {
    throw new LipSyncError('interface_mismatch', `mel and face input are both "${mel.name}"`);
  }
  const other = (v: ValueInfo) => (inputs[0] === v ? inputs[1] : inputs[0])!;
  if (mel && !face) face = other(mel);
  if (face && !mel) mel = other(face);
  if (!mel || !face) {
    const mels = inputs.filter(isMelShape);
    const faces = inputs.filter((v) => faceSize(v) !== undefined);
    if (mels.length === 1 && faces.length === 1 && mels[0] !== faces[0]) {
      [mel, face] = [mels[0]!, faces[0]!];
    } else if (mels.length === 1 && faces.length !== 1) {
      [mel, face] = [mels[0]!, other(mels[0]!)];
    } else if (faces.length === 1 && mels.length !== 1) {
      [face, mel] = [faces[0]!, other(faces[0]!)];
    } else {
      throw new LipSyncError(
        'interface_mismatch',
        `cannot tell the mel input from the face input by shape (expected ${expected}; the model declares ${inputs.map((v) => `"${v.name}" ${showShape(v)}`).join(', ')}). Set the mel and face input names in the avatar's lip-sync settings`,
      );
    }
  }
  checkFloat(mel, 'mel input');
  checkFloat(face, 'face input');
  if (!isMelShape(mel)) {
    throw new LipSyncError(
      'interface_mismatch',
      `mel input "${mel.name}" has shape ${showShape(mel)}, expected [B,1,${N_MELS},${MEL_STEP_SIZE}] (80 mel bands × 16 frames, Wav2Lip's mel window)`,
    );
  }
  const s = faceSize(face);
  if (s === undefined) {
    throw new LipSyncError(
      'interface_mismatch',
      `face input "${face.name}" has shape ${showShape(face)}, expected [B,6,S,S] with a fixed square size S between ${MIN_FACE_PX} and ${MAX_FACE_PX} px (6 = masked face + reference face, 3 channels each)`,
    );
  }
  if (outputs.length !== 1) {
    throw new LipSyncError(
      'interface_mismatch',
      `a Wav2Lip-compatible model has one output [B,3,${s},${s}]; this one has ${outputs.length}`,
    );
  }
  const out = outputs[0]!;
  checkFloat(out, 'output');
  const os = out.shape ?? [];
  const outFits =
    os.length === 0 ||
    (os.length === 4 && dimFits(os[1], 3) && dimFits(os[2], s) && dimFits(os[3], s));
  if (!outFits) {
    throw new LipSyncError(
      'interface_mismatch',
      `output "${out.name}" has shape ${showShape(out)}, expected [B,3,${s},${s}] (the generated face crop, same size as the face input)`,
    );
  }
  return { melName: mel.name, faceName: face.name, outputName: out.name, faceSizePx: s };
}

/** The output shape a run actually produced, checked against the interface. */
export function checkOutputDims(dims: readonly number[], batch: number, s: number): void {
  if (dims.length !== 4 || dims[0] !== batch || dims[1] !== 3 || dims[2] !== s || dims[3] !== s) {
    throw new LipSyncError(
      'interface_mismatch',
      `the model produced an output of shape [${dims.join(',')}], expected [${batch},3,${s},${s}]`,
    );
  }
}
