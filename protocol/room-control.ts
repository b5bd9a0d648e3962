/**
 * What the app and viewers send into a session room for the avatar: control messages (data
 * packets from the app through the LiveKit server API) and chat (LiveKit text streams).
 */
import { z } from 'zod';

/** Identity of the avatar participant in every session room. */
export const AVATAR_IDENTITY = 'avatar';

/** The attribute of an agent's avatar worker (LiveKit Agents): it names the agent. */
export const PUBLISH_ON_BEHALF = 'lk.publish_on_behalf';

/**
 * Whether a participant is the face a viewer shows: Facecast's own avatar, or an agent's
 * avatar worker found the way LiveKit's `useVoiceAssistant` finds it (`lk.publish_on_behalf`).
 */
export function isAvatarParticipant(participant: {
  identity: string;
  attributes?: Readonly<Record<string, string>>;
}): boolean {
  return (
    participant.identity === AVATAR_IDENTITY || Boolean(participant.attributes?.[PUBLISH_ON_BEHALF])
  );
}

/** Data-packet topic for control messages sent by the app through the LiveKit server API. */
export const CONTROL_TOPIC = 'facecast.control';

/** Text-stream topic viewers chat on (LiveKit's standard chat topic). */
export const CHAT_TOPIC = 'lk.chat';

/** Most characters one speak request or chat message may carry. */
export const SPEAK_MAX_CHARS = 1000;

/**
 * Room chat waits for the avatar only while the chat already waiting holds at most this many
 * characters (about five seconds of speech at ~15 characters a second); more is dropped.
 */
export const CHAT_QUEUE_MAX_CHARS = 80;

/** Longest audio clip the avatar plays (`POST /api/v1/sessions/:id/speak-audio`), ms. */
export const CLIP_MAX_DURATION_MS = 60_000;

/** Clips reach the worker as 16-bit mono PCM WAV at this rate (the session's audio rate), Hz. */
export const CLIP_SAMPLE_RATE_HZ = 16_000;

/** Largest clip file the worker fetches, bytes: 60 s of 16 kHz 16-bit mono and a header. */
export const CLIP_MAX_BYTES = (CLIP_MAX_DURATION_MS / 1000) * CLIP_SAMPLE_RATE_HZ * 2 + 64 * 1024;

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
    /**
     * "always": waits its turn however long (the API, questions the host approved);
     * "bounded": room chat, dropped rather than queued behind more than a few seconds of
     * speech (CHAT_QUEUE_MAX_CHARS).
     */
    queue: z.enum(['always', 'bounded']).default('always'),
  }),
  /**
   * Play an audio clip with the mouth driven from the audio itself. `url` is an absolute,
   * single-use capability URL on the app (16-bit mono WAV); queued unless interrupt.
   */
  z.object({
    type: z.literal('playAudio'),
    url: z
      .string()
      .url()
      .max(2_000)
      .refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL'),
    interrupt: z.boolean().default(false),
    /** Length of the clip, ms. */
    durationMs: z.number().int().positive().max(CLIP_MAX_DURATION_MS),
  }),
  /** Stop the answer being written and everything being said, at once. */
  z.object({ type: z.literal('interrupt') }),
]);
export type ControlMessage = z.infer<typeof controlMessageSchema>;
/** A control message as senders write it (defaults may be left out). */
export type ControlMessageInput = z.input<typeof controlMessageSchema>;
