/**
 * The avatar's access token for one session room, minted by the host (which holds the API
 * secret) and handed to the session process, which never sees the secret. It may publish
 * (the avatar's tracks) and subscribe (so data packets and text streams reach it; it never
 * subscribes to tracks), in this room only.
 */
import { AccessToken } from 'livekit-server-sdk';
import { AVATAR_IDENTITY } from '../../protocol/room-control';

/** Long enough for a long session; a restarted session gets a fresh token. */
export const AVATAR_TOKEN_TTL = '12h';

export async function mintAvatarToken(options: {
  apiKey: string;
  apiSecret: string;
  roomName: string;
  /** Display name of the avatar participant. */
  name: string;
}): Promise<string> {
  const token = new AccessToken(options.apiKey, options.apiSecret, {
    identity: AVATAR_IDENTITY,
    name: options.name,
    ttl: AVATAR_TOKEN_TTL,
  });
  token.addGrant({
    roomJoin: true,
    room: options.roomName,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  return token.toJwt();
}
