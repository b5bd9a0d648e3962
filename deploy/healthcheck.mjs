#!/usr/bin/env node
/**
 * Container health checks of the app and the worker host (HEALTHCHECK in the Dockerfiles and
 * `healthcheck:` in compose.yaml). Node built-ins only; exits 0 when healthy, 1 otherwise.
 *
 *   node deploy/healthcheck.mjs app      GET /api/health on PORT (3000): the app answers and
 *                                        its database is up. Worker hosts and LiveKit are not
 *                                        required: the hosts report to the app, so they start
 *                                        after it (depends_on: service_healthy), and a 503 for
 *                                        "no worker yet" must not keep the app unhealthy.
 *   node deploy/healthcheck.mjs worker   GET /health on WORKER_PORT (7890): the host is up.
 */
import process from 'node:process';

const TIMEOUT_MS = 4_000;

/** @param {string} url */
async function getJson(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = /** @type {Record<string, unknown>} */ (await response.json());
  return { status: response.status, body };
}

const target = process.argv[2];
try {
  if (target === 'app') {
    const port = process.env.PORT || '3000';
    // 200 (all up) or 503 (something down): healthy when the database answers.
    const { body } = await getJson(`http://127.0.0.1:${port}/api/health`);
    if (body.db !== 'ok') throw new Error(`database: ${String(body.db)}`);
  } else if (target === 'worker') {
    const port = process.env.WORKER_PORT || '7890';
    const { status, body } = await getJson(`http://127.0.0.1:${port}/health`);
    if (status !== 200 || body.status !== 'ok') throw new Error(`worker host: ${status}`);
  } else {
    console.error('usage: healthcheck.mjs app|worker');
    process.exit(2);
  }
  process.exit(0);
} catch (error) {
  console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
