/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

export const LAUNCH_TOKEN_VARIABLE: string;
export const WATCHDOG_GRACE_MS: number;
export function parseWatchdogLine(line: string): { watch: boolean; pgid: number } | null;
export function processAlive(pid: number, procDir?: string): boolean;
export function findTargets(options: {
  groups: ReadonlySet<number>;
  token?: string;
  exclude?: number[];
  procDir?: string;
}): { pid: number; pgid: number; group: boolean }[];
export interface Watchdog {
  token: string;
  pid: number;
  watch(pgid: number): void;
  forget(pgid: number): void;
  mark(env: Env): Env;
  close(): void;
}
export function startWatchdog(options?: { graceMs?: number }): Watchdog;
