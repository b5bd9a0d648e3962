export const SCHEMATHESIS_VERSION: string;
export const schemathesisVenv: string;
export const schemathesisBin: string;
export function ensureSchemathesis(): Promise<void>;
export function plainBanner(line: string): string;
