/**
 * Notes a worker host as heard the moment its report reaches the app's server, before Next.js
 * reads the body and before the database stores it (decision 029). Under steady overload a
 * report took longer than the host's allowed silence (6 s) to reach its route handler, and the
 * app declared a healthy host lost. The host monitor and the capacity check read these arrival
 * times (lib/workers/app-stall.ts) through the same map on `globalThis`.
 *
 * Only a POST to the report path that names its host (`x-facecast-host`) and carries the
 * worker secret counts: nobody else can keep a dead host alive.
 */
import { carriesWorkerSecret } from './worker-secret.mjs';

/** Must equal HOST_REPORT_PATH and HOST_ID_HEADER in protocol/host-report.ts (a test checks). */
export const REPORT_PATH = '/api/internal/worker-hosts/report';
export const HOST_HEADER = 'x-facecast-host';

/** @returns {Map<string, number>} per host id, when its latest report arrived (epoch ms) */
export function hostsHeard() {
  const holder = /** @type {{ facecastHostsHeard?: Map<string, number> }} */ (globalThis);
  holder.facecastHostsHeard ??= new Map();
  return holder.facecastHostsHeard;
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {string | undefined} workerSecret the app's WORKER_SECRET
 * @param {number} [now]
 * @returns {boolean} whether the request was a host's report and its arrival was noted
 */
export function noteReportArrival(request, workerSecret, now = Date.now()) {
  if (!workerSecret || request.method !== 'POST') return false;
  let path;
  try {
    path = new URL(request.url ?? '/', 'http://app.invalid').pathname;
  } catch {
    return false;
  }
  if (path !== REPORT_PATH) return false;
  const hostId = request.headers[HOST_HEADER];
  if (typeof hostId !== 'string' || hostId.length === 0 || hostId.length > 200) return false;
  if (!carriesWorkerSecret(request.headers.authorization, workerSecret)) return false;
  hostsHeard().set(hostId, now);
  return true;
}
