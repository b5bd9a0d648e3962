import type { IncomingMessage, ServerResponse } from 'node:http';

export function admissionGate(
  limit: number,
  latencyTargetMs?: number,
): ((request: IncomingMessage, response: ServerResponse) => boolean) & { readonly limit: number };
export const DEFAULT_MAX_INFLIGHT: number;
export function runAdmitted<T>(response: ServerResponse, handler: () => T): T;
export function stepAside(): void;
export function parseMaxInFlight(value: string | undefined): number;
