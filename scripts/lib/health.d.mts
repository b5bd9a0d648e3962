export function waitForHttp(
  url: string,
  options?: {
    timeoutMs?: number;
    intervalMs?: number;
    accept?: (status: number, body: string) => boolean;
    abort?: Promise<unknown>;
    what?: string;
  },
): Promise<string>;
