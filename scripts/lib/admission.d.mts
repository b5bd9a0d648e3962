import type { IncomingMessage, ServerResponse } from 'node:http';

export function admissionGate(
  limit: number,
): (request: IncomingMessage, response: ServerResponse) => boolean;
export const DEFAULT_MAX_INFLIGHT: number;
export function runAdmitted<T>(response: ServerResponse, handler: () => T): T;
export function stepAside(): void;
export function parseMaxInFlight(value: string | undefined): number;
