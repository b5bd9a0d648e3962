/**
 * Tells the app server's load shedding (scripts/lib/admission.mjs, decision 029) that the API
 * call this runs in only waits from now on (for a worker host, not for the app), so it no longer
 * counts against FACECAST_APP_MAX_INFLIGHT. Does nothing outside that server (tests, `next dev`).
 */
export function stepAsideFromAdmission(): void {
  (globalThis as typeof globalThis & { facecastStepAside?: () => void }).facecastStepAside?.();
}
