/**
 * The contract between the control plane (app) and a worker host: everything a session
 * needs travels with its request, because worker hosts hold no database connection.
 */
import { z } from 'zod';
import { conversationSettingsSchema } from './conversation';
import { faceGeometrySchema } from './face-geometry';
import { lipSyncModelSchema } from './lip-sync/lip-sync-model';
import { outboundPolicySchema } from './providers/outbound';
import { speechProviderSchema } from './speech-provider';
import { SPEECH_RATE_MAX, SPEECH_RATE_MIN } from './voices';

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

/** Where a LiveKit Agent's face joins, and whose audio it plays. */
export const agentFaceSchema = z.object({
  /** The agent's LiveKit server (ws:// or wss://). */
  livekitUrl: z.string().min(1).max(2048),
  /** The avatar participant's token, minted by the agent for its room. */
  token: z.string().min(1).max(8192),
  /** The agent's identity: `lk.publish_on_behalf` in the token; the only one heard. */
  agentIdentity: z.string().min(1).max(256),
});
export type AgentFace = z.infer<typeof agentFaceSchema>;

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
  /** How the avatar converses; absent means echo (say what is sent), no greeting. */
  conversation: conversationSettingsSchema.optional(),
  /**
   * Where the session's provider URLs may point (speech, model, transcriber), as decided for
   * the avatar's owner; absent means public addresses only.
   */
  outbound: outboundPolicySchema.optional(),
  /**
   * The session is the face of a LiveKit Agent (docs/livekit-agents.md): it joins the agent's
   * room on the agent's server with the token the agent minted for it, plays the audio the
   * agent streams (`lk.audio_stream`) and answers the agent's RPCs, instead of conversing.
   */
  agent: agentFaceSchema.optional(),
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
