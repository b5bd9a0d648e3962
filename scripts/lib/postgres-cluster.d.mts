export const TEST_PG_PORT: number;
export const TEST_PG_DATABASE: string;
export function findPostgresBinDir(base?: string): string | null;
export function testDatabaseUrl(port?: number): string;
export function startTestPostgres(options: { dir: string; port?: number }): Promise<{
  url: string;
  stop: () => Promise<void>;
  halt: () => Promise<void>;
  resume: () => Promise<void>;
}>;
