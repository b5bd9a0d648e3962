/**
 * What an agent hands over to get a face: its LiveKit server's URL and an access token it
 * minted for the avatar participant. The token is signed with the agent's LiveKit secret,
 * which this installation does not have, so its claims are read, not verified: LiveKit
 * verifies it when the face joins. Reading them first turns the usual mistakes (an expired
 * token, no room, no `lk.publish_on_behalf`) into a 422 that says what to fix, instead of a
 * session that fails on a worker host.
 */
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { PUBLISH_ON_BEHALF } from '@/protocol/room-control';

/** A token that expires sooner than this cannot be trusted to last through the join, s. */
export const MIN_TOKEN_LIFETIME_S = 10;

/** The claims of a LiveKit access token that matter here (livekit-server-sdk's ClaimGrants). */
const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  exp: z.number().optional(),
  kind: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  video: z
    .object({
      room: z.string().min(1).max(256).optional(),
      roomJoin: z.boolean().optional(),
      canPublish: z.boolean().optional(),
    })
    .optional(),
});

export interface AgentToken {
  /** The avatar participant's identity in the agent's room. */
  identity: string;
  room: string;
  /** The agent's identity, the only one whose audio and RPCs the face takes. */
  agentIdentity: string;
  expiresAt: Date;
}

const refuse = (message: string) => new ApiError('unprocessable', `livekitToken: ${message}`);

/** The token's claims, or a 422 saying what is wrong with it. `nowMs`: epoch ms. */
export function readAgentToken(token: string, nowMs: number = Date.now()): AgentToken {
  let raw: unknown;
  try {
    raw = decodeJwt(token);
  } catch {
    throw refuse('not a LiveKit access token (a JWT in three dot-separated parts)');
  }
  const parsed = claimsSchema.safeParse(raw);
  if (!parsed.success) throw refuse('the token names no participant identity (sub)');
  const claims = parsed.data;
  if (claims.exp === undefined) throw refuse('the token has no expiry (exp)');
  if (claims.exp * 1000 < nowMs + MIN_TOKEN_LIFETIME_S * 1000) {
    throw refuse('the token has expired; mint a fresh one for the avatar');
  }
  if (!claims.video?.roomJoin || !claims.video.room) {
    throw refuse('the token must grant roomJoin for one room (video.room)');
  }
  if (claims.video.canPublish === false) {
    throw refuse('the token must let the avatar publish (canPublish)');
  }
  if (claims.kind !== undefined && claims.kind !== 'agent') {
    throw refuse(`the avatar joins as kind "agent", not "${claims.kind}"`);
  }
  const agentIdentity = claims.attributes?.[PUBLISH_ON_BEHALF];
  if (!agentIdentity) {
    throw refuse(`the token needs the attribute ${PUBLISH_ON_BEHALF} naming the agent's identity`);
  }
  if (agentIdentity === claims.sub) {
    throw refuse(`${PUBLISH_ON_BEHALF} names the avatar itself; it must name the agent`);
  }
  return {
    identity: claims.sub,
    room: claims.video.room,
    agentIdentity,
    expiresAt: new Date(claims.exp * 1000),
  };
}

/** The http(s) URL for outbound checks of a LiveKit URL (ws → http, wss → https). */
export function livekitHttpEquivalent(livekitUrl: string): string {
  let url: URL;
  try {
    url = new URL(livekitUrl);
  } catch {
    throw new ApiError('unprocessable', 'livekitUrl: not a URL; use wss://your-livekit-host');
  }
  const protocol = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[
    url.protocol
  ];
  if (!protocol) {
    throw new ApiError(
      'unprocessable',
      `livekitUrl: ${url.protocol} is not a LiveKit URL; use wss://`,
    );
  }
  url.protocol = protocol;
  return url.toString();
}
