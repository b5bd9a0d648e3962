export const LIVEKIT_AGENTS_PY_VERSION: string;
export const agentsVenv: string;
export const agentsPython: string;
export const agentsPythonCheck: string;
export function ensureAgentsPython(): Promise<void>;
