/**
 * The app's side of LiveKit: room management over the server API and least-privilege
 * access tokens. The server API URL is derived from LIVEKIT_URL (ws→http, wss→https).
 */
import { randomBytes } from 'node:crypto';
import { AccessToken, DataPacket_Kind, RoomServiceClient, TrackSource } from 'livekit-server-sdk';
import { env } from '@/lib/config/env';
import { AVATAR_IDENTITY, type ControlMessageInput, CONTROL_TOPIC } from '@/protocol/room-control';

/**
 * Viewer tokens live this long; an open page asks for a fresh one well before (a removed
 * participant, or one whose link was rotated, gets none).
 */
export const VIEWER_TOKEN_TTL_S = 15 * 60;

export function livekitHttpUrl(wsUrl: string): string {
  return wsUrl.replace(/^ws(s?):\/\//, 'http$1://');
}

export function roomService(): RoomServiceClient {
  const { LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET } = env();
  return new RoomServiceClient(livekitHttpUrl(LIVEKIT_URL), LIVEKIT_API_KEY, LIVEKIT_API_SECRET);
}

/** Identities of guests (people on the shareable viewer URL who are not the owner). */
export const GUEST_IDENTITY_PREFIX = 'guest-';

/**
 * What a viewer may do in the room: subscribe always; publish its microphone, and nothing
 * else, when it may talk. Guests never publish data: their chat goes through the app, which
 * checks mutes and rate limits and stores it (lib/rooms). The owner may (LiveKit text-stream
 * chat straight to the avatar, for their own clients). Never video, screen or metadata.
 */
function viewerPermission(mayTalk: boolean, mayPublishData = false) {
  return {
    canSubscribe: true,
    canPublish: mayTalk,
    canPublishSources: mayTalk ? [TrackSource.MICROPHONE] : [],
    canPublishData: mayPublishData,
  };
}

/**
 * A viewer token: may subscribe and send chat; with `mayTalk`, may also publish a microphone
 * (the session process listens to every microphone in the room: who may publish one is who
 * may talk to the avatar).
 */
export async function createViewerToken(options: {
  roomName: string;
  identity: string;
  name?: string;
  mayTalk?: boolean;
  /** The owner's tokens may send data (text-stream chat straight to the avatar). */
  mayPublishData?: boolean;
  /** Participant attributes the token sets (what the room's checks read back). */
  attributes?: Record<string, string>;
  /** How long the token works, s (default VIEWER_TOKEN_TTL_S). */
  ttlSeconds?: number;
}): Promise<string> {
  const token = new AccessToken(env().LIVEKIT_API_KEY, env().LIVEKIT_API_SECRET, {
    identity: options.identity,
    name: options.name,
    ttl: options.ttlSeconds ?? VIEWER_TOKEN_TTL_S,
    ...(options.attributes ? { attributes: options.attributes } : {}),
  });
  token.addGrant({
    room: options.roomName,
    roomJoin: true,
    ...viewerPermission(options.mayTalk ?? false, options.mayPublishData ?? false),
    canUpdateOwnMetadata: false,
  });
  return token.toJwt();
}

export interface ViewerGrant {
  livekitUrl: string;
  token: string;
  identity: string;
  /** Whether the token may publish a microphone. */
  mayTalk: boolean;
}

/** A viewer token for a fresh random identity (`<prefix>-<hex>`), with the browser-facing URL. */
export async function issueViewerGrant(options: {
  roomName: string;
  identityPrefix: 'viewer' | 'guest';
  name?: string;
  mayTalk: boolean;
}): Promise<ViewerGrant> {
  const identity = `${options.identityPrefix}-${randomBytes(6).toString('hex')}`;
  const token = await createViewerToken({
    roomName: options.roomName,
    identity,
    name: options.name,
    mayTalk: options.mayTalk,
    mayPublishData: options.identityPrefix === 'viewer',
  });
  return { livekitUrl: env().LIVEKIT_URL, token, identity, mayTalk: options.mayTalk };
}

/**
 * Gives the guests connected now the microphone, or takes it away (LiveKit then unpublishes
 * it), without making them rejoin; guests who join later get it in their token. Returns how
 * many guests were updated.
 */
export async function setGuestMicrophones(roomName: string, mayTalk: boolean): Promise<number> {
  const service = roomService();
  const guests = (await service.listParticipants(roomName)).filter((p) =>
    p.identity.startsWith(GUEST_IDENTITY_PREFIX),
  );
  await Promise.all(
    guests.map((guest) =>
      service.updateParticipant(roomName, guest.identity, {
        // Permissions are replaced as a whole: the full set, as the token grants it.
        permission: { ...viewerPermission(mayTalk), canUpdateMetadata: false },
      }),
    ),
  );
  return guests.length;
}

export async function createRoom(
  roomName: string,
  options: { emptyTimeoutS?: number } = {},
): Promise<void> {
  await roomService().createRoom({
    name: roomName,
    // An abandoned room closes itself: the worker's session ends with it.
    emptyTimeout: options.emptyTimeoutS ?? 10 * 60,
    departureTimeout: 60,
  });
}

export async function deleteRoom(roomName: string): Promise<void> {
  await roomService().deleteRoom(roomName);
}

/** Sends a control message to the avatar participant through the server API. */
export async function sendControl(roomName: string, message: ControlMessageInput): Promise<void> {
  const payload = new TextEncoder().encode(JSON.stringify(message));
  await roomService().sendData(roomName, payload, DataPacket_Kind.RELIABLE, {
    topic: CONTROL_TOPIC,
    destinationIdentities: [AVATAR_IDENTITY],
  });
}

/** Whether the LiveKit server answers (used by /api/health). */
export async function livekitReachable(timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(livekitHttpUrl(env().LIVEKIT_URL), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok;
  } catch {
    return false;
  }
}
