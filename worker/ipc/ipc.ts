/**
 * Every message between the worker host (parent) and a session process (child), as one
 * discriminated union per direction. Messages cross a process boundary, so both sides
 * validate what they receive instead of trusting the type.
 */
import { z } from 'zod';
import { sessionEventSchema } from '../../protocol/session-events';
import { sessionQualitySchema } from '../../protocol/host-report';
import { sessionRenderStatusSchema, sessionRequestSchema } from '../../protocol/session-request';

/**
 * How a session process joins its room: the server URL and an access token for the avatar
 * identity in that room only. The host keeps the API secret; children never see it.
 */
/** Video codecs a session may publish (WORKER_VIDEO_CODEC; docs/decisions/009). */
export const VIDEO_CODECS = ['h264', 'vp8'] as const;
export type VideoCodecName = (typeof VIDEO_CODECS)[number];

/** How a session joins its room and publishes into it; set by the host. */
export const roomJoinSchema = z.object({
  url: z.string().min(1),
  token: z.string().min(1),
  videoCodec: z.enum(VIDEO_CODECS),
});
export type RoomJoin = z.infer<typeof roomJoinSchema>;

/** Parent → child. */
export const parentMessageSchema = z.discriminatedUnion('case', [
  z.object({
    case: z.literal('startSession'),
    value: z.object({ request: sessionRequestSchema, join: roomJoinSchema }),
  }),
  z.object({ case: z.literal('ping'), value: z.object({ timestampMs: z.number() }) }),
  /** Ends the running session; the process stays up for the host to recycle. */
  z.object({ case: z.literal('stopSession'), value: z.object({ reason: z.string() }) }),
  /** Ends the running session, if any, and exits the process. */
  z.object({ case: z.literal('shutdown'), value: z.object({ reason: z.string() }) }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

/** Child → parent. */
export const childMessageSchema = z.discriminatedUnion('case', [
  /**
   * Handshake: the process booted, loaded the runtime, renderer and speech modules, and can
   * take a session at once. Sent again after each session ends (the process is idle again).
   */
  z.object({
    case: z.literal('ready'),
    value: z.object({ pid: z.number().int(), warmupMs: z.number().min(0) }),
  }),
  z.object({ case: z.literal('pong'), value: z.object({ timestampMs: z.number() }) }),
  /** The avatar joined the room and publishes its tracks. */
  z.object({
    case: z.literal('sessionStarted'),
    value: z.object({ sessionId: z.string(), startupMs: z.number() }),
  }),
  z.object({
    case: z.literal('sessionFailed'),
    value: z.object({
      sessionId: z.string(),
      message: z.string(),
      /** Set when the avatar's frame store is missing or damaged: the app rebuilds it. */
      code: z.literal('avatar_store_invalid').optional(),
    }),
  }),
  /** Which renderer draws the avatar, and why it is not the one asked for (if so). */
  z.object({
    case: z.literal('sessionStatus'),
    value: z.object({ sessionId: z.string() }).merge(sessionRenderStatusSchema),
  }),
  /**
   * Figures since the previous stats message (about once a second): the host turns them into
   * metrics and reports. `renderMs` holds each frame's render time, for the histogram.
   */
  z.object({
    case: z.literal('sessionStats'),
    value: z.object({
      sessionId: z.string(),
      framesRendered: z.number().int().min(0),
      framesDropped: z.number().int().min(0),
      renderMs: z.array(z.number().min(0)).max(1_000),
      quality: sessionQualitySchema,
    }),
  }),
  /** A conversation event (protocol/session-events.ts): the host forwards it to the app. */
  z.object({
    case: z.literal('sessionEvent'),
    value: z.object({
      sessionId: z.string(),
      /** Epoch ms, the session process's clock. */
      at: z.number().int().nonnegative(),
      event: sessionEventSchema,
    }),
  }),
  /**
   * The session is over (room gone, shutdown asked). The process releases the room and
   * stays up; the host then recycles it (idle, `ready` again) or shuts it down.
   */
  z.object({
    case: z.literal('sessionEnded'),
    value: z.object({
      sessionId: z.string(),
      reason: z.string(),
      /** The LiveKit server dropped the session (not the app): the host rejoins it. */
      connectionLost: z.boolean().optional(),
    }),
  }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;

/** Forces `switch` statements over a union to handle every case. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message case: ${JSON.stringify(value)}`);
}

/** Heartbeat period and the silence after which the parent kills a child. */
export const PING_INTERVAL_MS = 1_000;
export const HEARTBEAT_TIMEOUT_MS = 5_000;
/** A child that has not heard from its parent for this long assumes it is orphaned. */
export const ORPHAN_TIMEOUT_MS = 10_000;
