/**
 * What the app and viewers send into a session room for the avatar: control messages (data
 * packets from the app through the LiveKit server API) and chat (LiveKit text streams).
 */
import { z } from 'zod';

/** Identity of the avatar participant in every session room. */
export const AVATAR_IDENTITY = 'avatar';

/** Data-packet topic for control messages sent by the app through the LiveKit server API. */
export const CONTROL_TOPIC = 'facecast.control';

/** Text-stream topic viewers chat on (LiveKit's standard chat topic). */
export const CHAT_TOPIC = 'lk.chat';

/** Most characters one speak request or chat message may carry. */
export const SPEAK_MAX_CHARS = 1000;

export const controlMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('speak'),
    text: z.string().min(1).max(SPEAK_MAX_CHARS),
    interrupt: z.boolean().default(false),
  }),
  /** A user turn: answered by the model in chat mode, said as it is in echo mode. */
  z.object({
    type: z.literal('message'),
    text: z.string().min(1).max(SPEAK_MAX_CHARS),
    interrupt: z.boolean().default(true),
    /** Who sent it: "api", or the user's name in the app. */
    speaker: z.string().min(1).max(200).default('api'),
  }),
  /** Stop the answer being written and everything being said, at once. */
  z.object({ type: z.literal('interrupt') }),
]);
export type ControlMessage = z.infer<typeof controlMessageSchema>;
