/**
 * The app's configuration, validated once with zod. Every variable is documented in the
 * README's configuration table; keep the two in step.
 */
import path from 'node:path';
import { z } from 'zod';
import { videoLoopMaxSecondsSchema } from '@/lib/avatars/preparation-env';
import { DEFAULT_AGENT_NAME } from '@/protocol/dispatch-metadata';
import { pluginListSchema } from '@/protocol/plugins';

/** What transcribes viewers' voices for avatars left on "the server's transcriber". */
export const SERVER_TRANSCRIBERS = ['offline', 'openai', 'off'] as const;

const envSchema = z
  .object({
    /** Opt-in plugins, comma separated (docs/speech.md): espeak-ng. */
    FACECAST_PLUGINS: pluginListSchema,
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** Where uploads, prepared avatars and the embedded database live. */
    FACECAST_DATA_DIR: z.string().min(1).default(path.join(process.cwd(), '.data')),
    /** postgresql://… to use a PostgreSQL server; unset = embedded PGlite in the data dir. */
    DATABASE_URL: z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'must start with postgresql:// (or leave it unset for the embedded database)',
      )
      .optional(),
    /** Public base URL of the web app, used in viewer links and auth callbacks. */
    APP_URL: z.string().url().default('http://localhost:3000'),
    /** Secret that signs login sessions (32+ random characters; npm start generates one). */
    AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (npm start generates one)'),
    /** LiveKit URL as browsers reach it (ws:// or wss://). */
    LIVEKIT_URL: z
      .string()
      .regex(/^wss?:\/\//, 'must start with ws:// or wss://')
      .default('ws://localhost:7880'),
    LIVEKIT_API_KEY: z.string().min(1).default('devkey'),
    LIVEKIT_API_SECRET: z.string().min(1).default('secret'),
    /** LiveKit agent name the app dispatches sessions to; worker hosts register under the same. */
    FACECAST_AGENT_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "-", "_" or "."')
      .default(DEFAULT_AGENT_NAME),
    /** Shared secret between app and worker hosts (16+ characters). */
    WORKER_SECRET: z.string().min(16, 'must be at least 16 characters (npm start generates one)'),
    /** Longest loop kept from a video avatar, seconds (1-60). */
    FACECAST_VIDEO_LOOP_MAX_SECONDS: videoLoopMaxSecondsSchema,
    /** Largest accepted portrait upload, in megabytes. */
    MAX_UPLOAD_MB: z.coerce.number().positive().max(100).default(10),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /**
     * Sessions the pool can run at once, for booking (docs/booking.md); unset: the sum of the
     * slots the worker hosts report now (hosts come and go, so set it on a real installation).
     */
    FACECAST_BOOKABLE_SLOTS: z.coerce.number().int().min(0).max(10_000).optional(),
    /** Slots no booking may take, kept for instant ("talk now") sessions. */
    FACECAST_INSTANT_RESERVE: z.coerce.number().int().min(0).max(10_000).default(1),
    /** Chat lines (and questions) one participant may send per window (docs/booking.md, Rooms). */
    FACECAST_CHAT_MESSAGES: z.coerce.number().int().min(1).max(1_000).default(5),
    /** The chat rate limit's window, seconds. */
    FACECAST_CHAT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3_600).default(10),
    /** Accounts one address may register per hour (docs/security.md). */
    FACECAST_REGISTRATIONS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(10),
    /** Sign-in attempts one address may make per 15 minutes, whatever the accounts. */
    FACECAST_SIGNINS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(30),
    /** Widget sessions one address may start per minute (docs/widget.md). */
    FACECAST_WIDGET_STARTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
    /** Viewer tokens one address (and one account) may be issued per minute. */
    FACECAST_TOKENS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
    /**
     * How many reverse proxies stand in front of the app, each appending the address it saw
     * to X-Forwarded-For (read by scripts/app-server.mjs; 0: the connection's own address).
     */
    FACECAST_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
    /**
     * REST API calls (`/api/v1/`) the app works on at once before it answers new ones 503 with
     * `Retry-After: 1` (read by scripts/app-server.mjs; everything else is always served; 0: no
     * limit). Decision 029.
     */
    FACECAST_APP_MAX_INFLIGHT: z.coerce.number().int().min(0).max(100_000).default(32),
    /**
     * Below FACECAST_APP_MAX_INFLIGHT the app takes on fewer calls at once while the slowest
     * tenth of them take longer than this, ms (read by scripts/app-server.mjs; 0: a fixed
     * limit). Decision 030.
     */
    FACECAST_APP_LATENCY_TARGET_MS: z.coerce.number().int().min(0).max(60_000).default(100),
    /**
     * `0`: REST API calls with an API key go through Next.js's request handling like every other
     * request, instead of straight to their route handler (read by scripts/app-server.mjs).
     * Decision 031.
     */
    FACECAST_APP_DIRECT_API: z.enum(['0', '1']).default('1'),
    /**
     * `0`: the embedded database (PGlite) runs on the app's main thread instead of a thread of
     * its own. Decision 032.
     */
    FACECAST_DB_THREAD: z.enum(['0', '1']).default('1'),
    /**
     * Hosts (`name`, `name:port`, `10.0.0.5:8000`), comma separated, that every user's speech,
     * model and transcription URLs may reach although they are loopback or private addresses.
     */
    FACECAST_OUTBOUND_ALLOWLIST: z.string().max(10_000).optional(),
    /** Most viewers in an instant session's room (a booked one uses the booking's maxViewers). */
    FACECAST_ROOM_MAX_VIEWERS: z.coerce.number().int().min(1).max(10_000).default(100),
    /** Sessions (instant and booked) one user may run at once; an admin may set another per user. */
    FACECAST_QUOTA_CONCURRENT_SESSIONS: z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .max(10_000)
      .default(3),
    /**
     * Session minutes one user may use per calendar month (UTC), booked minutes included; an
     * admin may set another per user.
     */
    FACECAST_QUOTA_MONTHLY_MINUTES: z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .max(1_000_000)
      .default(600),
    /**
     * An instant session with no viewer for this long ends by itself (minutes; fractions
     * allowed, e.g. 0.5 for 30 s). Booked sessions run to their end.
     */
    FACECAST_IDLE_MINUTES: z.coerce
      .number({ invalid_type_error: 'must be a number of minutes, e.g. 10 or 0.5' })
      .positive('must be more than 0 (minutes)')
      .max(1440, 'must be at most 1440 (a day)')
      .default(10),
    /**
     * The transcriber of avatars whose transcription provider is `server` (the default):
     * `offline` (the worker host's recogniser, pocketsphinx), `openai` (an OpenAI-compatible
     * `/v1/audio/transcriptions` at FACECAST_TRANSCRIBER_URL) or `off` (no voice input).
     */
    FACECAST_TRANSCRIBER: z
      .enum(SERVER_TRANSCRIBERS, {
        errorMap: () => ({ message: `must be one of: ${SERVER_TRANSCRIBERS.join(', ')}` }),
      })
      .default('offline'),
    /** Base URL including the version path, e.g. https://api.openai.com/v1 (with `openai`). */
    FACECAST_TRANSCRIBER_URL: z
      .string()
      .url('must be a URL such as https://api.openai.com/v1')
      .optional(),
    FACECAST_TRANSCRIBER_MODEL: z.string().min(1).max(200).default('whisper-1'),
    /** Absent for servers that need none (a local whisper.cpp or faster-whisper server). */
    FACECAST_TRANSCRIBER_API_KEY: z.string().min(1).optional(),
    /** ISO-639-1 code such as en; unset: the service detects the language. */
    FACECAST_TRANSCRIBER_LANGUAGE: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$/, 'must be a code such as en or pt-BR')
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.FACECAST_TRANSCRIBER === 'openai' && !value.FACECAST_TRANSCRIBER_URL) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['FACECAST_TRANSCRIBER_URL'],
        message:
          'must be set when FACECAST_TRANSCRIBER is openai: the base URL of an OpenAI-compatible transcription API, e.g. https://api.openai.com/v1 (or set FACECAST_TRANSCRIBER=offline)',
      });
    }
  });

export type AppEnv = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment; throws ConfigError with one readable line per wrong variable. */
export function parseEnv(source: Record<string, string | undefined>): AppEnv {
  // Empty strings mean "unset" (a common shell habit: FOO= npm start).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return result.data;
}

let cached: AppEnv | undefined;

/** The validated process environment (parsed on first use, so `next build` needs no secrets). */
export function env(): AppEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
