/**
 * What happens in a session's conversation, as the session process reports it: its state,
 * each avatar turn as it becomes audible and as it ends (with the text actually heard), what
 * users said, and errors. Worker hosts forward them to the app (SESSION_EVENTS_PATH), which
 * stores the transcript and serves them as Server-Sent Events
 * (`GET /api/v1/sessions/:id/events`, the `event:` field is `type`).
 */
import { z } from 'zod';

export const SESSION_STATES = ['idle', 'listening', 'thinking', 'speaking'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** Error codes a session reports; the message says what happened and what to do. */
export const SESSION_ERROR_CODES = [
  'llm_failed',
  'speech_failed',
  'transcription_failed',
  'audio_invalid',
] as const;
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number];

const text = z.string().max(20_000);
/** Wall-clock time, ms since the epoch (the worker's clock). */
const epochMs = z.number().int().nonnegative();

export const sessionEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), state: z.enum(SESSION_STATES) }),
  /** Text or a clip to say was accepted and queued (the speak APIs, echo, the greeting). */
  z.object({
    type: z.literal('speech.queued'),
    turnId: z.string().min(1).max(100),
    text,
  }),
  /**
   * A queued or playing turn will not be (fully) spoken: `interrupted` before it was heard at
   * all, `crash`: the session's process died and the session restarted without it, or
   * `connection_lost`: the LiveKit server went away and the session rejoined without it.
   */
  z.object({
    type: z.literal('speech.dropped'),
    turnId: z.string().min(1).max(100),
    text,
    reason: z.enum(['interrupted', 'crash', 'connection_lost']),
  }),
  /** An avatar turn became audible at the viewers; `text` is what is known of it so far. */
  z.object({
    type: z.literal('speech.started'),
    turnId: z.string().min(1).max(100),
    text,
    startedAt: epochMs,
  }),
  /** The turn finished playing, or was interrupted: `text` is what was actually heard. */
  z.object({
    type: z.literal('speech.ended'),
    turnId: z.string().min(1).max(100),
    text,
    interrupted: z.boolean(),
    startedAt: epochMs,
    endedAt: epochMs,
  }),
  /** A user turn: typed (message, chat) or spoken and transcribed. */
  z.object({
    type: z.literal('user.transcript'),
    turnId: z.string().min(1).max(100),
    /** Participant identity, or "api" for messages sent through the REST API. */
    speaker: z.string().min(1).max(200),
    text,
    startedAt: epochMs,
    endedAt: epochMs,
  }),
  /**
   * The session's link to the LiveKit server: `reconnecting` when it is lost (LiveKit's own
   * reconnect, or the host rejoining after a server restart: `reason`), `reconnected` when the
   * avatar publishes in its room again (`rejoined`: through a fresh join, not a resume).
   */
  z.object({
    type: z.literal('connection'),
    state: z.enum(['reconnecting', 'reconnected']),
    reason: z.string().max(200).optional(),
    rejoined: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('error'),
    code: z.enum(SESSION_ERROR_CODES),
    message: z.string().max(2_000),
  }),
]);
export type SessionEvent = z.infer<typeof sessionEventSchema>;
export type SessionEventType = SessionEvent['type'];

/** Worker host → app: events of its sessions, in order per session. */
export const SESSION_EVENTS_PATH = '/api/internal/sessions/events';

export const sessionEventBatchSchema = z.object({
  events: z
    .array(
      z.object({
        sessionId: z.string().min(1),
        /** Unique per event (a UUID), so the app stores a batch sent twice only once. */
        id: z.string().min(8).max(64),
        at: epochMs,
        event: sessionEventSchema,
      }),
    )
    .min(1)
    .max(500),
});
export type SessionEventBatch = z.infer<typeof sessionEventBatchSchema>;
export type ReportedSessionEvent = SessionEventBatch['events'][number];
