export const MIN_LIMIT: number;
export const WINDOW_CALLS: number;
export interface AdaptiveLimit {
  readonly current: number;
  readonly epoch: number;
  refused(): void;
  finished(durationMs: number, admittedIn: number): void;
}
export function adaptiveLimit(max: number, targetMs: number): AdaptiveLimit;
export const DEFAULT_LATENCY_TARGET_MS: number;
export function parseLatencyTargetMs(value: string | undefined): number;
