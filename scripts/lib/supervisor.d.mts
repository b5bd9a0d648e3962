/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

import type { ChildProcess } from 'node:child_process';

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
export function groupAlive(pgid: number): boolean;
export function describeExit(exit: UnexpectedExit): string;
export class Supervisor {
  constructor(options?: { output?: NodeJS.WritableStream });
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
