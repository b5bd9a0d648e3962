export interface LivekitConfigOptions {
  apiKey: string;
  apiSecret: string;
  httpPort?: number;
  rtcTcpPort?: number;
  rtcUdpPort?: number;
  bindAddresses?: string[];
  nodeIp?: string;
  ipIncludes?: string[];
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  development?: boolean;
  webhookUrls?: string[];
  redisAddress?: string;
}
export const DEV_KEYS: { apiKey: string; apiSecret: string };
export const NAMESPACE_NODE_IP: string;
export function livekitConfig(options: LivekitConfigOptions): Record<string, unknown>;
export function namespaceLivekitConfig(
  overrides?: Partial<LivekitConfigOptions>,
): Record<string, unknown>;
export function toYaml(value: Record<string, unknown>, indent?: number): string;
