import type { IncomingMessage } from 'node:http';

export const REPORT_PATH: string;
export const HOST_HEADER: string;
export function hostsHeard(): Map<string, number>;
export function noteReportArrival(
  request: IncomingMessage,
  workerSecret: string | undefined,
  now?: number,
): boolean;
