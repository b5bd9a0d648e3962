/**
 * Wakes Server-Sent Event streams when new events of their session are stored, so events
 * reach browsers without waiting for the next poll, and a start waiting for its session to go
 * live when a host's report changes the session's status. In-process only: both also poll the
 * database (session-event-stream.ts, start-session.ts), so changes made by another app
 * instance arrive too. Kept on globalThis because Next.js may load this module in more than one
 * bundle.
 */
import { EventEmitter } from 'node:events';

const holder = globalThis as typeof globalThis & { facecastSessionEvents?: EventEmitter };

function bus(): EventEmitter {
  if (!holder.facecastSessionEvents) {
    holder.facecastSessionEvents = new EventEmitter();
    // One listener per open stream; many viewers of one session are expected.
    holder.facecastSessionEvents.setMaxListeners(0);
  }
  return holder.facecastSessionEvents;
}

/** Tells the session's open streams that new events are stored. */
export function notifySessionEvents(sessionId: string): void {
  bus().emit(sessionId);
}

/** Calls `listener` whenever events of the session are stored; returns the unsubscribe. */
export function onSessionEvents(sessionId: string, listener: () => void): () => void {
  bus().on(sessionId, listener);
  return () => bus().off(sessionId, listener);
}

/** Tells whoever waits on the session (a start waiting for live) that its status changed. */
export function notifySessionStatus(sessionId: string): void {
  bus().emit(`status:${sessionId}`);
}

/** Calls `listener` whenever the session's status changes in this process; returns the unsubscribe. */
export function onSessionStatus(sessionId: string, listener: () => void): () => void {
  bus().on(`status:${sessionId}`, listener);
  return () => bus().off(`status:${sessionId}`, listener);
}
