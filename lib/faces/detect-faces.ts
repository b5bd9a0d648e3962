/**
 * Face detection with @vladmandic/human on the tfjs WASM backend, fully offline: the face
 * detector (BlazeFace) and the 468-point FaceMesh model are read from the files shipped in
 * the npm package, never from the network.
 *
 * One Human instance per process, loaded on first use. Only the detector and the mesh run;
 * iris, emotion, description, body, hands, objects, gestures and image filters are disabled.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Tf from '@tensorflow/tfjs-core';
import type * as HumanModule from '@vladmandic/human';
import type { Config, FaceResult, Human } from '@vladmandic/human';

/** Number of points in a MediaPipe FaceMesh (without iris refinement). */
export const FACE_MESH_POINT_COUNT = 468;

/** An RGBA image, 4 bytes per pixel, row-major, no padding between rows. */
export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** A face found in an image; every coordinate is in pixels of that image (origin top-left). */
export interface DetectedFace {
  /** Bounding box of the 468 landmarks (tighter than the detector's own box). */
  box: { x: number; y: number; width: number; height: number };
  /** Overall confidence, 0..1. */
  score: number;
  /** The 468 FaceMesh points as [x, y] in pixels, in MediaPipe's canonical order. */
  landmarks: [number, number][];
  /**
   * Head pose estimated from the 3D mesh, in degrees; 0/0/0 faces the camera squarely.
   * Yaw turns left/right, pitch nods up/down, roll tilts towards a shoulder. Absent when the
   * model gave no pose.
   */
  rotation?: FaceRotation;
}

/** Head pose angles in degrees. */
export interface FaceRotation {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

export interface FaceDetectorTimings {
  /** Wall time of loading the backend and the models, ms. */
  loadMs: number;
}

const require = createRequire(import.meta.url);

// The node-wasm build requires tfjs-core, tfjs-converter and tfjs-backend-wasm itself. Its
// package "exports" map spells that subpath without "./", which Node rejects, so we load it
// by absolute path next to the package's Node entry (dist/human.node.js).
const HUMAN_ENTRY = path.join(
  path.dirname(require.resolve('@vladmandic/human')),
  'human.node-wasm.js',
);
const MODELS_DIR = path.join(path.dirname(HUMAN_ENTRY), '..', 'models');
const WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

const humanConfig: Partial<Config> = {
  backend: 'wasm',
  // Emscripten in Node reads the .wasm binaries with fs from this directory.
  wasmPath: `${WASM_DIR}${path.sep}`,
  wasmPlatformFetch: false,
  modelBasePath: `${pathToFileURL(MODELS_DIR).href}/`,
  cacheModels: false,
  debug: false,
  async: true,
  warmup: 'none',
  // Every call is an unrelated still image: never reuse results of a previous call.
  cacheSensitivity: 0,
  skipAllowed: false,
  filter: { enabled: false },
  gesture: { enabled: false },
  face: {
    enabled: true,
    detector: {
      rotation: true,
      maxDetected: 10,
      minConfidence: 0.5,
      iouThreshold: 0.1,
      return: false,
      mask: false,
    },
    mesh: { enabled: true, keepInvalid: false },
    attention: { enabled: false },
    iris: { enabled: false },
    emotion: { enabled: false },
    description: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  segmentation: { enabled: false },
};

/** Human types its tfjs namespace as `any`; it is the tfjs-core module it was built against. */
const tfOf = (human: Human): typeof Tf => human.tf as typeof Tf;

let humanPromise: Promise<Human> | undefined;
let lastLoadMs = 0;

/**
 * Human fetches models with the global `fetch`, which cannot read file:// URLs. Serve those
 * from disk while the models load and hand every other URL to the original fetch.
 */
async function withFileFetch<T>(run: () => Promise<T>): Promise<T> {
  const originalFetch = globalThis.fetch;
  const fileAwareFetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file:')) return originalFetch(input, init);
    const body = await readFile(fileURLToPath(url));
    const contentType = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(body, { status: 200, headers: { 'content-type': contentType } });
  };
  globalThis.fetch = fileAwareFetch;
  try {
    return await run();
  } finally {
    if (globalThis.fetch === fileAwareFetch) globalThis.fetch = originalFetch;
  }
}

async function createHuman(): Promise<Human> {
  const startedAt = performance.now();
  const { Human: HumanClass } = require(HUMAN_ENTRY) as typeof HumanModule;
  const human = new HumanClass(humanConfig);
  await withFileFetch(() => human.load());
  // Human logs and swallows model load errors; without this check every image would
  // silently come back with no face.
  const loaded = human.models.loaded();
  for (const model of ['blazeface', 'facemesh']) {
    if (!loaded.includes(model)) {
      throw new Error(`face model "${model}" failed to load from ${MODELS_DIR}`);
    }
  }
  const backend = tfOf(human).getBackend();
  if (backend !== 'wasm') throw new Error(`tfjs backend is "${backend}", expected "wasm"`);
  lastLoadMs = performance.now() - startedAt;
  return human;
}

/** Loads the detector once per process (later calls return the same instance). */
export async function loadFaceDetector(): Promise<FaceDetectorTimings> {
  humanPromise ??= createHuman().catch((error: unknown) => {
    humanPromise = undefined;
    throw error;
  });
  await humanPromise;
  return { loadMs: lastLoadMs };
}

/** Axis-aligned bounding box of a set of [x, y] points. */
export function landmarkBounds(
  points: readonly (readonly [number, number])[],
): DetectedFace['box'] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

const DEG_PER_RAD = 180 / Math.PI;

function toDetectedFace(face: FaceResult): DetectedFace {
  const landmarks = face.mesh.map(([x, y]): [number, number] => [x, y]);
  const angle = face.rotation?.angle; // radians
  const rotation = angle
    ? {
        yawDeg: angle.yaw * DEG_PER_RAD,
        pitchDeg: angle.pitch * DEG_PER_RAD,
        rollDeg: angle.roll * DEG_PER_RAD,
      }
    : undefined;
  return {
    box: landmarkBounds(landmarks),
    score: face.score,
    landmarks,
    ...(rotation ? { rotation } : {}),
  };
}

/**
 * Finds faces in an RGBA image; returns them largest first, each with its 468 mesh points
 * in pixels of `image`. Faces whose mesh the model is not confident about are left out.
 */
export async function detectFaces(image: RgbaImage): Promise<DetectedFace[]> {
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`invalid image size ${width}×${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(`expected ${width * height * 4} RGBA bytes, got ${data.length}`);
  }
  await loadFaceDetector();
  const human = await (humanPromise as Promise<Human>);
  // Human drops the alpha channel of a [h, w, 4] tensor and casts int32 to float32 itself.
  const tf = tfOf(human);
  const input = tf.tensor3d(Int32Array.from(data), [height, width, 4], 'int32');
  try {
    const result = await human.detect(input);
    if (result.error) throw new Error(`face detection failed: ${result.error}`);
    return result.face
      .filter((face) => face.mesh.length === FACE_MESH_POINT_COUNT)
      .map(toDetectedFace)
      .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  } finally {
    tf.dispose(input);
  }
}
