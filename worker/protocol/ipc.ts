/**
 * Every message between the worker host (parent) and a session process (child), as one
 * discriminated union per direction. Messages cross a process boundary, so both sides
 * validate what they receive instead of trusting the type.
 */
import { z } from 'zod';
import { sessionRenderStatusSchema, sessionRequestSchema } from './session-request';

export const livekitCredentialsSchema = z.object({
  url: z.string().min(1),
  apiKey: z.string().min(1),
  apiSecret: z.string().min(1),
});
export type LivekitCredentials = z.infer<typeof livekitCredentialsSchema>;

/** Parent → child. */
export const parentMessageSchema = z.discriminatedUnion('case', [
  z.object({
    case: z.literal('startSession'),
    value: z.object({ request: sessionRequestSchema, livekit: livekitCredentialsSchema }),
  }),
  z.object({ case: z.literal('ping'), value: z.object({ timestampMs: z.number() }) }),
  z.object({ case: z.literal('shutdown'), value: z.object({ reason: z.string() }) }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

/** Child → parent. */
export const childMessageSchema = z.discriminatedUnion('case', [
  /** Handshake: the process booted and can take a session. */
  z.object({ case: z.literal('ready'), value: z.object({ pid: z.number().int() }) }),
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
  /** The session is over (room gone, shutdown asked); the process exits right after. */
  z.object({
    case: z.literal('sessionEnded'),
    value: z.object({ sessionId: z.string(), reason: z.string() }),
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
