/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

export function needsNpmCi(root?: string): boolean;
export function npmInstallEnv(env?: Env): Env;
export function ensureNodeModules(root?: string): Promise<void>;
