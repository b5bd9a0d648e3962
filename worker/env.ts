/**
 * Worker host configuration, validated once at start-up so that a wrong variable fails fast
 * with a readable message instead of surfacing later as an obscure runtime error.
 */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_AGENT_NAME } from '../protocol/dispatch-metadata';
import { VIDEO_CODECS } from './ipc/ipc';
import { pluginListSchema } from '../protocol/plugins';

const intFromEnv = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be an integer')
    .positive('must be positive')
    .default(fallback);

/**
 * A comma-separated list of the app's base URLs (http or https), in order of preference; blanks
 * around commas are ignored, a URL named twice counts once.
 */
export const appUrlListSchema = z.string().transform((value, context) => {
  const urls: string[] = [];
  let invalid = false;
  for (const item of value.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${item.slice(0, 100)}" is not a URL such as http://127.0.0.1:3000`,
      });
      invalid = true;
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${item.slice(0, 100)}" must start with http:// or https://`,
      });
      invalid = true;
      continue;
    }
    if (!urls.includes(item)) urls.push(item);
  }
  if (urls.length === 0 && !invalid) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'must name at least one URL such as http://127.0.0.1:3000',
    });
  }
  return urls;
});

export const workerEnvSchema = z.object({
  /** Opt-in plugins, comma separated (docs/speech.md): espeak-ng. */
  FACECAST_PLUGINS: pluginListSchema,
  LIVEKIT_URL: z
    .string()
    .url('must be a URL such as ws://127.0.0.1:7880')
    .refine(
      (value) => /^(wss?|https?):\/\//.test(value),
      'must start with ws://, wss://, http:// or https://',
    )
    .default('ws://127.0.0.1:7880'),
  LIVEKIT_API_KEY: z.string().min(1, 'must not be empty').default('devkey'),
  LIVEKIT_API_SECRET: z.string().min(1, 'must not be empty').default('secret'),
  WORKER_PORT: z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be a TCP port (0-65535)')
    .max(65535, 'must be a TCP port (0-65535)')
    .default(7890),
  WORKER_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  WORKER_SECRET: z
    .string({ required_error: 'is required (a shared secret of at least 16 characters)' })
    .min(16, 'must be at least 16 characters'),
  /**
   * Most concurrent sessions on this host. Unset: derived from the CPU cores and a short
   * calibration of the renderer and encoder at start-up (docs/operations.md, "Capacity").
   */
  WORKER_MAX_SESSIONS: z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be an integer')
    .positive('must be positive')
    .optional(),
  /** Idle session processes kept booted and warm, so a session starts at once. */
  WORKER_PREWARM: z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .max(32, 'must be at most 32')
    .default(1),
  /**
   * Memory budget of one session process (PSS, MB): over it after a session, the process is
   * replaced instead of reused; over twice it while running, the session restarts on a fresh
   * process.
   */
  WORKER_MEMORY_LIMIT_MB: intFromEnv(600),
  /** On SIGTERM, how long running sessions may go on before they are handed back, seconds. */
  WORKER_DRAIN_SECONDS: z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .default(30),
  /** A session process silent for this long is killed and its session restarted, ms. */
  WORKER_HEARTBEAT_TIMEOUT_MS: intFromEnv(5_000),
  /**
   * Codec of the avatars' video (docs/decisions/009-h264-video.md): h264 costs ~4 % of a
   * core less per session than vp8 here and decodes faster at viewers; both play in every
   * browser (WebRTC requires both).
   */
  WORKER_VIDEO_CODEC: z.enum(VIDEO_CODECS).default('h264'),
  /** This host's name in reports and metrics; default `<hostname>-<pid>`. */
  WORKER_NAME: z.string().min(1).max(100).optional(),
  /**
   * The data directory the app prepares avatars in (shared with the app: the same path on a
   * shared volume). Dispatched sessions may read only files under it.
   */
  FACECAST_DATA_DIR: z.string().min(1).default(path.join(process.cwd(), '.data')),
  /**
   * The app instances, comma separated (docs/deploy.md, "Adding app instances"): the host
   * reports to every one (capacity, sessions, figures) and sends session events to the first
   * that answers.
   */
  FACECAST_APP_URL: appUrlListSchema.default('http://127.0.0.1:3000'),
  /** Agent name the host registers under with LiveKit; the app dispatches to it. */
  FACECAST_AGENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "-", "_" or "."')
    .default(DEFAULT_AGENT_NAME),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export type ParseWorkerEnvResult = { ok: true; env: WorkerEnv } | { ok: false; problems: string[] };

/** Parses the worker's environment; empty strings count as unset so defaults apply. */
export function parseWorkerEnv(source: Record<string, string | undefined>): ParseWorkerEnvResult {
  const input: Record<string, string> = {};
  for (const key of Object.keys(workerEnvSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = workerEnvSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    return { ok: false, problems };
  }
  const devKeys = devKeysProblem(parsed.data);
  return devKeys ? { ok: false, problems: [devKeys] } : { ok: true, env: parsed.data };
}

/** LiveKit's published development keys (`livekit-server --dev`). */
const DEV_API_KEY = 'devkey';
const DEV_API_SECRET = 'secret';

/**
 * LiveKit's development keys are public: anyone could mint tokens for a server that accepts
 * them. A host uses them only with a LiveKit on this machine (the local server of a
 * development set-up), never with a server on the network.
 */
function devKeysProblem(env: WorkerEnv): string | null {
  if (env.LIVEKIT_API_KEY !== DEV_API_KEY && env.LIVEKIT_API_SECRET !== DEV_API_SECRET) return null;
  const host = new URL(env.LIVEKIT_URL).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return null;
  return `LIVEKIT_API_KEY/LIVEKIT_API_SECRET: LiveKit's public development keys (${DEV_API_KEY}/${DEV_API_SECRET}) are accepted only with a LiveKit server on this machine (LIVEKIT_URL on localhost or 127.0.0.1), not with ${env.LIVEKIT_URL}. Set the key and secret from that server's config (keys: in livekit.yaml).`;
}

/** Reads `process.env`, or prints every problem and exits 1. */
export function loadWorkerEnv(): WorkerEnv {
  const result = parseWorkerEnv(process.env);
  if (result.ok) return result.env;
  process.stderr.write(
    `Invalid worker environment:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`,
  );
  process.exit(1);
}
