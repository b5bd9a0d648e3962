/**
 * The contract between the control plane (app) and a worker host: everything a session
 * needs travels with its request, because worker hosts hold no database connection.
 */
import { z } from 'zod';
import { lipSyncModelSchema } from './lip-sync';
import { speechProviderSchema } from './speech-provider';

/** A point in pixels of the prepared avatar frame. */
export const pointSchema = z.tuple([z.number(), z.number()]);

/**
 * Face geometry of a prepared avatar, in pixels of the prepared frame (origin top-left).
 * `landmarks` holds the 468 MediaPipe FaceMesh points in their canonical order.
 */
export const faceGeometrySchema = z.object({
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  landmarks: z.array(pointSchema).length(468),
});
export type FaceGeometry = z.infer<typeof faceGeometrySchema>;

/** A prepared avatar: one normalised portrait frame plus the face geometry found in it. */
export const preparedAvatarSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /** Absolute path of the prepared frame (PNG, widthPx × heightPx). */
  framePath: z.string().min(1),
  widthPx: z.number().int().positive(),
  heightPx: z.number().int().positive(),
  face: faceGeometrySchema,
  /**
   * The avatar's frame store (docs/frame-store.md): absolute directory and store name. When
   * present the session renders from it; `framePath` and `face` then describe its first frame.
   */
  store: z.object({ dir: z.string().min(1), name: z.string().min(1) }).optional(),
});
export type PreparedAvatar = z.infer<typeof preparedAvatarSchema>;

/** The offline voices every worker has (Flite, 16 kHz), with names for people. */
export const VOICES = [
  { id: 'slt', label: 'Sarah — US English, female' },
  { id: 'kal16', label: 'Kal — US English, male' },
  { id: 'rms', label: 'Ralph — US English, male, deeper' },
  { id: 'awb', label: 'Alan — Scottish English, male' },
] as const;
export type VoiceId = (typeof VOICES)[number]['id'];
export const DEFAULT_VOICE_ID: VoiceId = 'slt';

export const SPEECH_RATE_MIN = 0.5;
export const SPEECH_RATE_MAX = 2;

export const sessionRequestSchema = z.object({
  sessionId: z.string().min(1),
  roomName: z.string().min(1),
  avatar: preparedAvatarSchema,
  /** TTS voice name (see VOICES); the worker falls back to its default when unknown. */
  voice: z.string().optional(),
  /** Speaking rate: 1 = the voice's natural pace, 0.5 = half as fast, 2 = twice as fast. */
  speechRate: z.number().min(SPEECH_RATE_MIN).max(SPEECH_RATE_MAX).optional(),
  /** Speech synthesiser; absent means the built-in offline voice (Flite). */
  speech: speechProviderSchema.optional(),
  /** A user-supplied ONNX lip-sync model; absent means the built-in renderer. */
  lipSync: lipSyncModelSchema.optional(),
});
export type SessionRequest = z.infer<typeof sessionRequestSchema>;

/** What a running session renders with, as reported to the app. */
export const sessionRenderStatusSchema = z.object({
  /** "builtin" (the CPU mesh-warp renderer) or "onnx" (the avatar's lip-sync model). */
  renderer: z.enum(['builtin', 'onnx']),
  /** Why the session does not use what the avatar asked for, in words for the user. */
  notice: z.string().max(500).optional(),
});
export type SessionRenderStatus = z.infer<typeof sessionRenderStatusSchema>;

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
  z.object({ type: z.literal('interrupt') }),
]);
export type ControlMessage = z.infer<typeof controlMessageSchema>;
