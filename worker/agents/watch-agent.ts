/**
 * An agent's face lives as long as its agent: it ends when the agent leaves the room, or when
 * the agent is not there within a grace period of the face joining (a token for a room the
 * agent is not in, an agent that crashed while the face started).
 */
import { type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';
import type { Logger } from '../log';

/** How long the face waits for its agent after joining, ms. */
export const AGENT_JOIN_TIMEOUT_MS = 30_000;

export function watchAgent(options: {
  room: Room;
  agentIdentity: string;
  log: Logger;
  onGone: (reason: string) => unknown;
  joinTimeoutMs?: number;
}): void {
  const { room, agentIdentity, log, onGone } = options;
  let seen = room.remoteParticipants.has(agentIdentity);
  const timer = seen
    ? undefined
    : setTimeout(() => {
        if (seen) return;
        log.warn({ agentIdentity }, 'agent never joined the room; the face leaves');
        void onGone('agent never joined');
      }, options.joinTimeoutMs ?? AGENT_JOIN_TIMEOUT_MS);
  timer?.unref();
  room
    .on(RoomEvent.ParticipantConnected, (participant: RemoteParticipant) => {
      if (participant.identity !== agentIdentity) return;
      seen = true;
      if (timer) clearTimeout(timer);
    })
    .on(RoomEvent.ParticipantDisconnected, (participant: RemoteParticipant) => {
      if (participant.identity !== agentIdentity) return;
      log.info({ agentIdentity }, 'agent left the room; the face leaves');
      void onGone('agent left');
    });
}
