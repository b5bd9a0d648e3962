export const LIVEKIT_VERSION: string;
export function livekitVersion(binary: string): string | null;
export function parseGoVersion(output: string | null): [number, number] | null;
export function findLivekitServer(root?: string): string | null;
export function ensureLivekitServer(root?: string): Promise<string>;
