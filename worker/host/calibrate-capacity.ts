/**
 * How many sessions this host takes at once, from its cores and what a session costs here.
 * At start-up the host renders the synthetic test face (no face detection needed) with the
 * real renderer at 512×512 for about a second, measuring CPU ms per frame, then encodes the
 * same frames with ffmpeg's libvpx VP8 in realtime mode, as LiveKit's libwebrtc does for
 * each published video track, measuring ffmpeg's CPU ms per frame. A session's share of a
 * core is then (render + encode + overhead) ms per frame × fps / 1000.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { FaceRenderer } from '../render/face-renderer';
import { SYNTHETIC_SIZE_PX, syntheticAvatar, syntheticImage } from './calibration-avatar';
import type { MouthPose } from '../visemes/mouth-pose';

/**
 * CPU ms per frame a session process spends besides rendering and encoding video: the main
 * thread (rtc-node FFI calls for every video frame and audio chunk, pacing timers, IPC, GC),
 * Opus encoding, libwebrtc's network and worker threads, audio capture. Measured 2026-11-24
 * on this 2-core box, two talking sessions through a real LiveKit room (/proc per-thread CPU
 * over 15 s, two runs): a session process used 19.9 % of a core (18.9-20.7), i.e. 7.96 ms per
 * frame at 25 fps; this calibration measured render 2.5 and encode 1.8 ms per frame at the
 * same time, which leaves 3.7 ms. (Of it, by thread: main 2.5-3.1 %, Opus 1.8-1.9 %, network
 * and webrtc workers ~2 %, the rest is libwebrtc's VP8 costing ~0.4 ms more per frame than
 * ffmpeg's libvpx figure.) Before the render and audio-chunk changes of that day the same
 * process used 24.1 %.
 */
export const SESSION_OVERHEAD_MS_PER_FRAME = 3.7;
/** Share of the cores sessions may fill; the rest absorbs bursts, the host and speech. */
export const TARGET_UTILISATION = 0.85;
export const SESSION_FPS = 25;
/**
 * Encode cost as a multiple of render cost when ffmpeg cannot be run. Measured here (2 cores,
 * Debian ffmpeg 5.1 libvpx, 512×512, realtime, cpu-used 8, 1.2 Mbps CBR, one thread):
 * encode 1.6-2.1 ms against render 3.1-3.8 ms, 0.50-0.57 × render. Rounded up to 0.6 so
 * the estimate errs towards fewer sessions.
 */
export const ENCODE_ESTIMATE_FACTOR = 0.6;
/** VP8 bitrate libwebrtc settles at for a 512×512 camera track, bits/s. */
const ENCODE_BITRATE = 1_200_000;
const SIZE_PX = SYNTHETIC_SIZE_PX;
/** Frames kept for the encoder: two seconds of video, so inter frames dominate. */
const ENCODE_FRAMES = 50;

export interface CapacityInputs {
  cores: number;
  renderMsPerFrame: number;
  encodeMsPerFrame: number;
  overheadMsPerFrame?: number;
  fps?: number;
  targetUtilisation?: number;
}

/**
 * The arithmetic: cores one session uses, and the sessions that fit in
 * cores × targetUtilisation (at least one, so a slow host still serves).
 */
export function capacityFromCosts(inputs: CapacityInputs): {
  perSessionCores: number;
  maxSessions: number;
} {
  const {
    cores,
    renderMsPerFrame,
    encodeMsPerFrame,
    overheadMsPerFrame = SESSION_OVERHEAD_MS_PER_FRAME,
    fps = SESSION_FPS,
    targetUtilisation = TARGET_UTILISATION,
  } = inputs;
  for (const [name, value] of Object.entries({
    cores,
    renderMsPerFrame,
    encodeMsPerFrame,
    overheadMsPerFrame,
    fps,
  })) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  if (!(targetUtilisation > 0 && targetUtilisation <= 1)) {
    throw new RangeError(`targetUtilisation must be in (0, 1], got ${targetUtilisation}`);
  }
  const perSessionCores = ((renderMsPerFrame + encodeMsPerFrame + overheadMsPerFrame) * fps) / 1000;
  const maxSessions =
    perSessionCores > 0
      ? Math.max(1, Math.floor((cores * targetUtilisation) / perSessionCores))
      : Math.max(1, Math.floor(cores));
  return { perSessionCores, maxSessions };
}

export interface CapacityCalibration {
  maxSessions: number;
  /** CPU ms to render one 512×512 I420 frame. */
  renderMsPerFrame: number;
  /** CPU ms to encode one frame as VP8 (measured, or estimated when `encoder` says so). */
  encodeMsPerFrame: number;
  overheadMsPerFrame: number;
  /** Cores one session uses at `fps`. */
  perSessionCores: number;
  cores: number;
  fps: number;
  /** Wall clock the calibration took, ms. */
  calibrationMs: number;
  /** How encodeMsPerFrame was found. */
  encoder: 'ffmpeg-libvpx' | 'estimate';
  /** Why the encoder figure is an estimate, when it is. */
  note?: string;
}

export interface CalibrateOptions {
  /** Default: os.availableParallelism() (honours CPU affinity, not cgroup quotas). */
  cores?: number;
  fps?: number;
  targetUtilisation?: number;
  overheadMsPerFrame?: number;
  /** Wall clock for rendering, ms: a quarter warms the JIT up, the rest is measured. Default 1000. */
  renderMs?: number;
  /** Default 'ffmpeg' on PATH. */
  ffmpegPath?: string;
}

/** Measures render and encode cost on this machine and derives the session capacity. */
export async function calibrateCapacity(
  options: CalibrateOptions = {},
): Promise<CapacityCalibration> {
  const started = performance.now();
  const cores = options.cores ?? os.availableParallelism();
  const fps = options.fps ?? SESSION_FPS;
  const overheadMsPerFrame = options.overheadMsPerFrame ?? SESSION_OVERHEAD_MS_PER_FRAME;
  const { renderMsPerFrame, frames } = measureRender(options.renderMs ?? 1000);
  let encodeMsPerFrame: number;
  let encoder: CapacityCalibration['encoder'] = 'ffmpeg-libvpx';
  let note: string | undefined;
  try {
    encodeMsPerFrame = await measureEncode(frames, fps, options.ffmpegPath ?? 'ffmpeg');
  } catch (error) {
    encoder = 'estimate';
    encodeMsPerFrame = renderMsPerFrame * ENCODE_ESTIMATE_FACTOR;
    note =
      `encoder cost estimated as ${ENCODE_ESTIMATE_FACTOR} × render: ${(error as Error).message}. ` +
      'Install ffmpeg (apt-get install ffmpeg) for a measured figure.';
  }
  const { perSessionCores, maxSessions } = capacityFromCosts({
    cores,
    renderMsPerFrame,
    encodeMsPerFrame,
    overheadMsPerFrame,
    fps,
    targetUtilisation: options.targetUtilisation,
  });
  return {
    maxSessions,
    renderMsPerFrame,
    encodeMsPerFrame,
    overheadMsPerFrame,
    perSessionCores,
    cores,
    fps,
    calibrationMs: performance.now() - started,
    encoder,
    ...(note === undefined ? {} : { note }),
  };
}

/**
 * Renders the synthetic face while speaking (the mouth cycling open and shut, idle sway on)
 * for `budgetMs` (a quarter of it warm-up), and returns CPU ms per frame and the last ENCODE_FRAMES
 * frames in order (I420, as handed to LiveKit).
 */
function measureRender(budgetMs: number): { renderMsPerFrame: number; frames: Uint8Array } {
  const image = syntheticImage();
  const { face } = syntheticAvatar('synthetic.png');
  const renderer = new FaceRenderer({
    frames: { frameCount: 1, loop: 'pingpong', frame: () => image.data, faces: [face] },
    widthPx: SIZE_PX,
    heightPx: SIZE_PX,
    appearance: measureAppearance(image, face),
    format: 'i420',
  });
  const frameBytes = renderer.frameBytes;
  const ring = new Uint8Array(frameBytes * ENCODE_FRAMES);
  const slots = Array.from({ length: ENCODE_FRAMES }, (_, i) =>
    ring.subarray(i * frameBytes, (i + 1) * frameBytes),
  );
  // Syllable-like openings, about four a second, so the encoder sees speech-like motion.
  const poses: MouthPose[] = Array.from({ length: 25 }, (_, i) => {
    const open = Math.max(0, Math.sin((i / 25) * Math.PI * 8));
    return {
      jawOpen: open,
      lipWidth: 0.3 * open,
      lipRound: 0,
      lipClosure: 1 - open,
      lowerLipTuck: 0,
    };
  });
  const input = { tick: 0, timeMs: 0, pose: poses[0]!, eyesClosed: 0 };
  let tick = 0;
  const renderOne = () => {
    input.tick = tick;
    input.timeMs = tick * 40;
    input.pose = poses[tick % poses.length]!;
    input.eyesClosed = tick % 100 < 4 ? 1 : 0;
    renderer.render(slots[tick % ENCODE_FRAMES]!, input);
    tick++;
  };
  // Warm-up: the JIT compiles the hot loops in the first few dozen frames.
  const warmUntil = performance.now() + budgetMs * 0.25;
  while (performance.now() < warmUntil || tick < 10) renderOne();
  const firstMeasured = tick;
  const cpuBefore = process.cpuUsage();
  const until = performance.now() + budgetMs * 0.75;
  while (performance.now() < until || tick - firstMeasured < ENCODE_FRAMES) renderOne();
  const cpu = process.cpuUsage(cpuBefore);
  const renderMsPerFrame = (cpu.user + cpu.system) / 1000 / (tick - firstMeasured);
  // Oldest first: slot tick % N is the oldest of the last N frames.
  const start = tick % ENCODE_FRAMES;
  const frames = new Uint8Array(ring.length);
  frames.set(ring.subarray(start * frameBytes), 0);
  frames.set(ring.subarray(0, start * frameBytes), (ENCODE_FRAMES - start) * frameBytes);
  return { renderMsPerFrame, frames };
}

/**
 * ffmpeg's own CPU time (`-benchmark`: getrusage of the whole process, all threads) for all
 * frames minus that for the first frame alone, over the frames in between: start-up and the
 * first key frame cancel out. Both runs go at once; CPU time does not depend on sharing.
 */
async function measureEncode(frames: Uint8Array, fps: number, ffmpegPath: string) {
  const frameCount = frames.length / ((SIZE_PX * SIZE_PX * 3) / 2);
  const [all, first] = await Promise.all([
    ffmpegCpuMs(ffmpegPath, frames, fps, frameCount),
    ffmpegCpuMs(ffmpegPath, frames, fps, 1),
  ]);
  return Math.max(0, (all - first) / (frameCount - 1));
}

function ffmpegCpuMs(
  ffmpegPath: string,
  frames: Uint8Array,
  fps: number,
  frameCount: number,
): Promise<number> {
  const bitrate = String(ENCODE_BITRATE);
  // prettier-ignore
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-benchmark',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${SIZE_PX}x${SIZE_PX}`, '-r', String(fps),
    '-i', 'pipe:0', '-frames:v', String(frameCount),
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8',
    // libwebrtc's VP8 settings: constant bitrate, no look-ahead, and one encoder thread below
    // 640×480. More threads busy-wait on each other: on a loaded 2-core host ffmpeg's default
    // thread count multiplied the CPU time per frame by 5-10.
    '-threads', '1', '-lag-in-frames', '0',
    '-b:v', bitrate, '-minrate', bitrate, '-maxrate', bitrate,
    '-f', 'null', '-',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`cannot run ${ffmpegPath}: ${error.message}`)));
    // ffmpeg may stop reading once it has its frames: a broken pipe is expected then.
    child.stdin.on('error', () => undefined);
    child.stdin.end(frames);
    child.on('close', (code) => {
      const match = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
      if (code !== 0 || !match) {
        const tail = stderr.trim().split('\n').slice(-2).join(' ');
        reject(new Error(`${ffmpegPath} could not encode VP8 (exit ${code}): ${tail}`));
        return;
      }
      resolve((Number(match[1]) + Number(match[2])) * 1000);
    });
  });
}
