/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

export const nextBuildSources: string[];
export function needsNextBuild(root?: string): boolean;
export function nextEnv(env?: Env): Env;
export function ensureNextBuild(options?: { root?: string; force?: boolean }): Promise<void>;
