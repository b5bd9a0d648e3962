export const agentsPluginDir: string;
export function isAgentsPluginBuildStale(dir?: string): boolean;
export function ensureAgentsPlugin(): Promise<void>;
