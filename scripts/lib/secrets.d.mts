export interface Secrets {
  AUTH_SECRET: string;
  WORKER_SECRET: string;
  LIVEKIT_API_KEY: string;
  LIVEKIT_API_SECRET: string;
}
export function loadOrCreateSecrets(dataDir: string): Secrets;
