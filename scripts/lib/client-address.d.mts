export function clientAddress(
  forwardedFor: string | string[] | undefined,
  peer: string | undefined,
  trustedProxies: number,
): string;
export function parseTrustedProxies(value: string | undefined): number;
