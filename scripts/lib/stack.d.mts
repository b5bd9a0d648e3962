/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

import type { UnexpectedExit } from './supervisor.mjs';
import type { Watchdog } from './watchdog.mjs';

export interface StackOptions {
  dataDir: string;
  livekitServer?: string;
  root?: string;
  appPort?: number;
  appHost?: string;
  appUrl?: string;
  workerPort?: number;
  livekitPorts?: { http?: number; tcp?: number; udp?: number };
  livekitBind?: string;
  livekitPublicUrl?: string;
  /** Set inside the test network namespace: LiveKit's ICE address; dev keys devkey/secret. */
  nodeIp?: string;
  externalLivekit?: { url: string; apiKey: string; apiSecret: string };
  env?: Env;
  output?: NodeJS.WritableStream;
  healthTimeoutMs?: number;
  bootstrapTimeoutMs?: number;
  log?: (message: string) => void;
  signal?: AbortSignal;
  /** The launcher's watchdog, if it started one already; otherwise the stack starts its own. */
  watchdog?: Watchdog;
}
export interface Stack {
  urls: { app: string; livekit: string; livekitInternal: string; worker: string };
  bootstrap: {
    dataDir: string;
    database: string;
    demo: { email: string; password?: string } | null;
  };
  unexpectedExit: Promise<UnexpectedExit>;
  stop(options?: { graceMs?: number }): Promise<void>;
  kill(): void;
  /** Pid (also process group id) of the service's latest process: app, worker, livekit, … */
  pid(name: string): number;
  /** Starts the app again on the same data directory after it died (fault tests). */
  startApp(): Promise<void>;
  /** Starts one more worker host reporting to this app and LiveKit. */
  startWorker(options: { port: number; name: string; env?: Record<string, string> }): Promise<void>;
}
export function startStack(options: StackOptions): Promise<Stack>;
