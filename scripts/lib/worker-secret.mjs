/**
 * The app's check of a worker host's `Authorization: Bearer <WORKER_SECRET>`, compared in
 * constant time (digests of equal length, so the length leaks nothing either). Plain
 * JavaScript so both the app server (scripts/lib/host-arrival.mjs) and the route code
 * (lib/workers/worker-auth.ts) use this one check.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** @param {string} text */
const digest = (text) => createHash('sha256').update(text).digest();

/**
 * @param {string | null | undefined} authorization the request's Authorization header
 * @param {string} workerSecret
 * @returns {boolean}
 */
export function carriesWorkerSecret(authorization, workerSecret) {
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(workerSecret));
}
