/** The typed surface of AgentWorker: what a host is offered and assigned, and its options. */
import type { Logger } from '../log';

/** A job the server offers; answer synchronously (the server waits at most 10 s). */
export interface OfferedJob {
  id: string;
  dispatchId: string;
  roomName: string;
  /** Dispatch metadata as the app sent it (decode with dispatch-metadata.ts). */
  metadata: string;
  agentName: string;
}

export type OfferAnswer = { accept: true; identity: string; name: string } | { accept: false };

/** A job assigned to this host: join `roomName` at `url` with `token`. */
export interface AssignedJob {
  id: string;
  dispatchId: string;
  roomName: string;
  metadata: string;
  /** Room token built by the server for the identity this host chose. */
  token: string;
  /** The LiveKit URL to join (the assignment's, or ours when it names none). */
  url: string;
}

export type JobStatusName = 'running' | 'success' | 'failed';

export interface AgentWorkerOptions {
  /** LiveKit URL (ws(s):// or http(s)://). */
  url: string;
  apiKey: string;
  apiSecret: string;
  agentName: string;
  /** This host's name, sent as the worker version (shows in server logs). */
  hostId: string;
  log: Logger;
  onJobOffered(job: OfferedJob): OfferAnswer;
  onJobAssigned(job: AssignedJob): Promise<void>;
  onJobTerminated(jobId: string): void;
}
