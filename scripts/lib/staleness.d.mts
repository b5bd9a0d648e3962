export function newestMtimeMs(paths: string[]): number;
export function mtimeMs(file: string): number | null;
export function isStale(target: string, sources: string[]): boolean;
