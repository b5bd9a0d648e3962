/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

export interface LivekitEndpoint {
  publicUrl: string;
  internalUrl: string;
  apiKey: string;
  apiSecret: string;
}
export interface StackEnvOptions {
  base: Env;
  dataDir: string;
  secrets: { AUTH_SECRET: string; WORKER_SECRET: string };
  appUrl: string;
  livekit: LivekitEndpoint;
  workerPort: number;
  workerHost?: string;
  reportUrls?: string[];
}
export function workerUrl(options: StackEnvOptions): string;
export function appEnv(options: StackEnvOptions): Env;
export function workerEnv(options: StackEnvOptions): Env;
export interface BootstrapResult {
  dataDir: string;
  database: string;
  demo: { email: string; password?: string } | null;
}
export function parseBootstrapOutput(stdout: string): BootstrapResult;
