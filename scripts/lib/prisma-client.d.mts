/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

export function prismaInputsHash(root: string): string;
export function needsPrismaGenerate(root?: string): boolean;
export function prismaOfflineEnv(env?: Env): Env;
export function ensurePrismaClient(root?: string): Promise<void>;
