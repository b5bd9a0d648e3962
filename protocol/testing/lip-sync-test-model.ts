/**
 * A tiny ONNX graph with the Wav2Lip interface, generated here for tests and the benchmark
 * (never shipped as weights): mel [B,1,80,16] + face [B,6,S,S] → [B,3,S,S] sigmoid.
 *
 *   out = sigmoid(4·(reference − 0.5) + 2·masked + 0.5·(mean(mel) + 4) · lowerHalf)
 *
 * so the output follows the reference face, moves with the masked upper half, and brightens
 * the lower half (the mouth region) with the audio's loudness: silence (mel −4) adds nothing.
 * `slowRepeats` chains that many exact identity MatMul pairs over the result (the output is
 * unchanged) to make the model deliberately slow.
 */
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

// CommonJS module (module.exports = root): Node's ESM loader sees no named exports.
const { onnx } = onnxProto;

export interface TestLipSyncModelOptions {
  /** Face crop side S in px. */
  faceSizePx?: number;
  melName?: string;
  faceName?: string;
  outputName?: string;
  /** Declare face before mel in the graph's input list (resolution by shape must not care). */
  faceFirst?: boolean;
  /** Exact identity MatMul pairs, ~B·96·S³ multiply-adds apiece (≈0.8 ms per frame at S=96 here). */
  slowRepeats?: number;
  /** Override declared shapes (a "wrong interface" model); 'B' is the dynamic batch. */
  melShape?: Array<number | 'B'>;
  faceShape?: Array<number | 'B'>;
  /** Add a third, unrelated input. */
  extraInput?: boolean;
  /** Add this many MB of (zero) weights the graph reads: a model that needs memory to load. */
  ballastMb?: number;
}

const SLOW_WIDTH = 16;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function valueInfo(name: string, shape: Array<number | string>): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: {
          dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

function floatTensor(name: string, dims: number[], values: Float32Array): Onnx.ITensorProto {
  return {
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

function int64Tensor(name: string, values: number[]): Onnx.ITensorProto {
  return { name, dims: [values.length], dataType: INT64, int64Data: values };
}

function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attribute: Onnx.IAttributeProto[] = [],
): Onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name: outputs[0], attribute };
}

/** Serialised ONNX model bytes (opset 13, IR 7). */
export function buildTestLipSyncModel(
  options: TestLipSyncModelOptions = {},
): Uint8Array<ArrayBuffer> {
  const s = options.faceSizePx ?? 96;
  const melName = options.melName ?? 'mel';
  const faceName = options.faceName ?? 'face';
  const outputName = options.outputName ?? 'output';
  const melShape = options.melShape ?? ['B', 1, 80, 16];
  const faceShape = options.faceShape ?? ['B', 6, s, s];

  const lowerHalf = new Float32Array(s * s);
  lowerHalf.fill(1, (s >> 1) * s);
  // [I 0 … 0] (S × 16S) and its transpose: widening then narrowing is exact but costs
  // 2·16·S³ multiply-adds per channel.
  const wide = s * SLOW_WIDTH;
  const widen = new Float32Array(s * wide);
  const narrow = new Float32Array(wide * s);
  for (let i = 0; i < s; i++) {
    widen[i * wide + i] = 1;
    narrow[i * s + i] = 1;
  }
  const scalar = (name: string, v: number) => floatTensor(name, [], Float32Array.of(v));

  const initializer: Onnx.ITensorProto[] = [
    int64Tensor('ch0', [0]),
    int64Tensor('ch3', [3]),
    int64Tensor('ch6', [6]),
    int64Tensor('axis1', [1]),
    scalar('half', 0.5),
    scalar('four', 4),
    scalar('two', 2),
    floatTensor('lower_half', [1, 1, s, s], lowerHalf),
  ];
  const nodes: Onnx.INodeProto[] = [
    node('Slice', [faceName, 'ch0', 'ch3', 'axis1'], ['masked']),
    node('Slice', [faceName, 'ch3', 'ch6', 'axis1'], ['reference']),
    node('Sub', ['reference', 'half'], ['ref_centred']),
    node('Mul', ['ref_centred', 'four'], ['ref_term']),
    node('Mul', ['masked', 'two'], ['masked_term']),
    node('ReduceMean', [melName], ['mel_mean'], [{ name: 'axes', type: 7, ints: [1, 2, 3] }]),
    node('Add', ['mel_mean', 'four'], ['mel_level']),
    node('Mul', ['mel_level', 'half'], ['mel_scaled']),
    node('Mul', ['mel_scaled', 'lower_half'], ['mel_term']),
    node('Add', ['ref_term', 'masked_term'], ['face_term']),
    node('Add', ['face_term', 'mel_term'], ['logits_0']),
  ];
  const repeats = options.slowRepeats ?? 0;
  if (repeats > 0) {
    initializer.push(
      floatTensor('widen', [s, wide], widen),
      floatTensor('narrow', [wide, s], narrow),
    );
  }
  for (let i = 0; i < repeats; i++) {
    nodes.push(node('MatMul', [`logits_${i}`, 'widen'], [`wide_${i}`]));
    nodes.push(node('MatMul', [`wide_${i}`, 'narrow'], [`logits_${i + 1}`]));
  }
  let logits = `logits_${repeats}`;
  if (options.ballastMb) {
    const values = new Float32Array((options.ballastMb * 1024 * 1024) / 4);
    initializer.push(floatTensor('ballast', [values.length], values));
    nodes.push(
      node('ReduceMax', ['ballast'], ['ballast_max'], [{ name: 'keepdims', type: 2, i: 0 }]),
    );
    nodes.push(node('Add', [logits, 'ballast_max'], ['logits_ballast']));
    logits = 'logits_ballast';
  }
  nodes.push(node('Sigmoid', [logits], [outputName]));

  const inputs = [valueInfo(melName, melShape), valueInfo(faceName, faceShape)];
  if (options.faceFirst) inputs.reverse();
  if (options.extraInput) inputs.push(valueInfo('speaker_id', ['B', 4]));

  const model: Onnx.IModelProto = {
    irVersion: 7,
    producerName: 'facecast-test-model',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'wav2lip_stand_in',
      node: nodes,
      initializer,
      input: inputs,
      output: [valueInfo(outputName, ['B', 3, s, s])],
    },
  };
  // protobufjs hands back a Buffer in Node; callers get a plain Uint8Array.
  return new Uint8Array(onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}
