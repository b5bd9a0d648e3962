import { EventEmitter } from 'node:events';
import { RoomEvent, type Room } from '@livekit/rtc-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log';
import { AGENT_JOIN_TIMEOUT_MS, watchAgent } from './watch-agent';

const log = createLogger({ name: 'test', level: 'silent' });

/** What watchAgent reads of a Room: its participants and two events. */
function fakeRoom(present: string[] = []) {
  const room = new EventEmitter() as EventEmitter & { remoteParticipants: Map<string, unknown> };
  room.remoteParticipants = new Map(present.map((identity) => [identity, { identity }]));
  return room;
}

afterEach(() => vi.useRealTimers());

describe('watchAgent', () => {
  it('the face leaves when its agent never joins (a token for a room the agent is not in)', () => {
    vi.useFakeTimers();
    const room = fakeRoom();
    const gone: string[] = [];
    watchAgent({
      room: room as unknown as Room,
      agentIdentity: 'agent-1',
      log,
      onGone: (r) => gone.push(r),
    });
    room.emit(RoomEvent.ParticipantConnected, { identity: 'someone-else' });
    vi.advanceTimersByTime(AGENT_JOIN_TIMEOUT_MS + 1);
    expect(gone).toEqual(['agent never joined']);
  });

  it('stays while the agent is there, and leaves when it leaves (not for others)', () => {
    vi.useFakeTimers();
    const room = fakeRoom();
    const gone: string[] = [];
    watchAgent({
      room: room as unknown as Room,
      agentIdentity: 'agent-1',
      log,
      onGone: (r) => gone.push(r),
    });
    room.emit(RoomEvent.ParticipantConnected, { identity: 'agent-1' });
    vi.advanceTimersByTime(AGENT_JOIN_TIMEOUT_MS * 2);
    room.emit(RoomEvent.ParticipantDisconnected, { identity: 'viewer' });
    expect(gone).toEqual([]);
    room.emit(RoomEvent.ParticipantDisconnected, { identity: 'agent-1' });
    expect(gone).toEqual(['agent left']);
  });

  it('an agent already in the room needs no wait', () => {
    vi.useFakeTimers();
    const gone: string[] = [];
    watchAgent({
      room: fakeRoom(['agent-1']) as unknown as Room,
      agentIdentity: 'agent-1',
      log,
      onGone: (r) => gone.push(r),
    });
    vi.advanceTimersByTime(AGENT_JOIN_TIMEOUT_MS * 2);
    expect(gone).toEqual([]);
  });
});
