/**
 * A Facecast avatar as the face of a LiveKit Agent (`@livekit/agents` for Node), with the API
 * of the agents framework's own avatar plugins: construct it, `start(session, room)` after the
 * agent has joined its room, and the agent's speech goes to the avatar instead of the room.
 *
 * `start` mints a token for the avatar in the agent's room, asks Facecast to join with it
 * (POST /api/v1/agent-sessions, which answers once the avatar is in the room), and points the
 * session's audio output at the avatar: `@livekit/agents`' own `DataStreamAudioOutput`, which
 * streams the speech on `lk.audio_stream`, sends `lk.clear_buffer` on interruptions and hears
 * back `lk.playback_finished` with the seconds played (docs/livekit-agents.md).
 */
import { voice } from '@livekit/agents';
import { type Room, TrackKind } from '@livekit/rtc-node';
import { DEFAULT_TOKEN_TTL_SECONDS, mintAvatarToken } from './avatar-token.js';
import { FacecastError, startFace, stopFace, type FacecastClientOptions } from './facecast-api.js';

const DEFAULT_AVATAR_IDENTITY = 'facecast-avatar-agent';
const DEFAULT_AVATAR_NAME = 'Facecast avatar';
/** Starting a face: a prewarmed process joins the room, usually in a few seconds. */
const DEFAULT_START_TIMEOUT_MS = 60_000;

export interface AvatarSessionOptions {
  /** The Facecast avatar (GET /api/v1/avatars): must be ready. */
  avatarId: string;
  /** The Facecast installation, e.g. https://facecast.example.com. Default: FACECAST_URL. */
  baseUrl?: string;
  /** A Facecast API key with the `sessions` scope. Default: FACECAST_API_KEY. */
  apiKey?: string;
  /** The avatar's identity in the agent's room. Default `facecast-avatar-agent`. */
  avatarParticipantIdentity?: string;
  /** The avatar's display name. Default `Facecast avatar`. */
  avatarParticipantName?: string;
  /** How long the avatar's token may be used to join, seconds. Default 600. */
  tokenTtlSeconds?: number;
  /** How long to wait for Facecast to start the face, ms. Default 60 000. */
  startTimeoutMs?: number;
}

export interface StartOptions {
  /** The agent's LiveKit server, as Facecast's worker reaches it. Default: LIVEKIT_URL. */
  livekitUrl?: string;
  /** Default: LIVEKIT_API_KEY. */
  livekitApiKey?: string;
  /** Default: LIVEKIT_API_SECRET. */
  livekitApiSecret?: string;
}

/** The part of `voice.AgentSession` the plugin touches: where the agent's speech goes. */
export interface AgentSessionOutput {
  output: { audio: voice.AudioOutput | null };
}

export class AvatarSession {
  readonly avatarId: string;
  readonly avatarParticipantIdentity: string;
  readonly avatarParticipantName: string;
  private readonly client: FacecastClientOptions;
  private readonly tokenTtlSeconds: number;
  private sessionId: string | undefined;

  constructor(options: AvatarSessionOptions) {
    if (!options.avatarId) throw new FacecastError('avatarId is required');
    const baseUrl = options.baseUrl ?? process.env.FACECAST_URL;
    const apiKey = options.apiKey ?? process.env.FACECAST_API_KEY;
    if (!baseUrl) throw new FacecastError('baseUrl (or FACECAST_URL) is required');
    if (!apiKey) throw new FacecastError('apiKey (or FACECAST_API_KEY) is required');
    this.avatarId = options.avatarId;
    this.avatarParticipantIdentity = options.avatarParticipantIdentity ?? DEFAULT_AVATAR_IDENTITY;
    this.avatarParticipantName = options.avatarParticipantName ?? DEFAULT_AVATAR_NAME;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    this.client = {
      baseUrl,
      apiKey,
      timeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    };
  }

  /** The Facecast session's id once started (GET/DELETE /api/v1/agent-sessions/{id}). */
  get id(): string | undefined {
    return this.sessionId;
  }

  /**
   * Starts the face in `room` (the agent must have joined it) and sends the agent's speech to
   * it. Throws a FacecastError with the server's message when Facecast refuses (a 422 names
   * what is wrong with the token or URL; 429 a quota; 503 a full worker pool).
   */
  async start(
    agentSession: AgentSessionOutput,
    room: Room,
    options: StartOptions = {},
  ): Promise<void> {
    const livekitUrl = options.livekitUrl ?? process.env.LIVEKIT_URL;
    const livekitApiKey = options.livekitApiKey ?? process.env.LIVEKIT_API_KEY;
    const livekitApiSecret = options.livekitApiSecret ?? process.env.LIVEKIT_API_SECRET;
    if (!livekitUrl || !livekitApiKey || !livekitApiSecret) {
      throw new FacecastError(
        'livekitUrl, livekitApiKey and livekitApiSecret (or LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET) are required',
      );
    }
    const agentIdentity = room.localParticipant?.identity;
    if (!room.isConnected || !agentIdentity || !room.name) {
      throw new FacecastError('the agent must have joined its room before starting the avatar');
    }
    if (this.sessionId) throw new FacecastError('this avatar session has already started');

    const livekitToken = await mintAvatarToken({
      livekitApiKey,
      livekitApiSecret,
      roomName: room.name,
      agentIdentity,
      avatarIdentity: this.avatarParticipantIdentity,
      avatarName: this.avatarParticipantName,
      ttlSeconds: this.tokenTtlSeconds,
    });
    const face = await startFace(this.client, {
      avatarId: this.avatarId,
      livekitUrl,
      livekitToken,
    });
    this.sessionId = face.id;

    agentSession.output.audio = new voice.DataStreamAudioOutput({
      room,
      destinationIdentity: face.identity,
      // Speech waits until the avatar's video is published, so nothing is said off camera.
      waitRemoteTrack: TrackKind.KIND_VIDEO,
    });
  }

  /** Stops the face (it also leaves by itself when the agent leaves the room). */
  async stop(): Promise<void> {
    const id = this.sessionId;
    if (!id) return;
    await stopFace({ ...this.client, timeoutMs: 15_000 }, id);
    this.sessionId = undefined;
  }
}
