/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

import type { ChildProcess } from 'node:child_process';
import type { Watchdog } from './watchdog.mjs';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  oneShot: boolean;
}
export interface UnexpectedExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}
/** Default grace between SIGTERM and SIGKILL when stopping, ms. */
export const STOP_GRACE_MS: number;
export function groupAlive(pgid: number): boolean;
export function describeExit(exit: UnexpectedExit): string;
export class Supervisor {
  constructor(options?: { output?: NodeJS.WritableStream; watchdog?: Watchdog });
  /** The watchdog the children are named to (started on first use unless one was given). */
  readonly watchdog: Watchdog;
  readonly unexpectedExit: Promise<UnexpectedExit>;
  readonly stopping: boolean;
  spawn(
    name: string,
    command: string,
    args: string[],
    options?: {
      cwd?: string;
      env?: Env;
      oneShot?: boolean;
      onStdoutLine?: (line: string) => void;
    },
  ): ManagedProcess;
  stop(options?: { graceMs?: number; log?: (message: string) => void }): Promise<void>;
  kill(): void;
}
