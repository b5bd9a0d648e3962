/** An environment block (what process.env holds). */
export type Env = Record<string, string | undefined>;

export const NAMESPACE_PEER_IP: string;
export const namespaceNetworkScript: string;
export function namespaceInvocation(
  command: string,
  args: string[],
  mode: { asRoot: boolean },
): { command: string; args: string[] };
export function namespaceSupport(): { ok: true; asRoot: boolean } | { ok: false; reason: string };
export function insideTestNamespace(): boolean;
export function namespaceEnv(env?: Env): Env;
