/**
 * The access token an agent mints for its avatar, as LiveKit Agents' avatar protocol wants it:
 * kind `agent`, the attribute `lk.publish_on_behalf` naming the agent (so viewers show the
 * avatar's video as the agent's), and a grant to join, publish and subscribe in the agent's
 * room only.
 */
import { AccessToken } from 'livekit-server-sdk';

/** The attribute that makes the avatar's tracks count as the agent's. */
export const ATTRIBUTE_PUBLISH_ON_BEHALF = 'lk.publish_on_behalf';

export interface AvatarTokenOptions {
  livekitApiKey: string;
  livekitApiSecret: string;
  /** The agent's room. */
  roomName: string;
  /** The agent's own identity in the room. */
  agentIdentity: string;
  avatarIdentity: string;
  avatarName: string;
  /**
   * How long the token may be used to join, seconds. Facecast keeps the token (sealed) to
   * rejoin the room if the avatar's worker host fails, so it must outlive the first join by a
   * little; the connection itself outlives the token.
   */
  ttlSeconds?: number;
}

/** Default token lifetime, seconds: enough to join and to rejoin after a worker host failure. */
export const DEFAULT_TOKEN_TTL_SECONDS = 10 * 60;

/** Mints the avatar's token (a JWT signed with the agent's LiveKit secret). */
export function mintAvatarToken(options: AvatarTokenOptions): Promise<string> {
  const token = new AccessToken(options.livekitApiKey, options.livekitApiSecret, {
    identity: options.avatarIdentity,
    name: options.avatarName,
    ttl: options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    attributes: { [ATTRIBUTE_PUBLISH_ON_BEHALF]: options.agentIdentity },
  });
  token.kind = 'agent';
  token.addGrant({
    roomJoin: true,
    room: options.roomName,
    canPublish: true,
    canSubscribe: true,
  });
  return token.toJwt();
}
