/** Waiting for services of the stack to answer their health endpoints. */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `url` until `accept(response, body)` is true. Rejects after `timeoutMs`, or as soon as
 * `abort` settles (a process died: no point in waiting for its port).
 * @param {string} url
 * @param {{ timeoutMs?: number, intervalMs?: number, accept?: (status: number, body: string) => boolean, abort?: Promise<unknown>, what?: string }} [options]
 * @returns {Promise<string>} the accepted response body
 */
export async function waitForHttp(url, options = {}) {
  const {
    timeoutMs = 60_000,
    intervalMs = 250,
    accept = (status) => status === 200,
    what = url,
  } = options;
  let aborted = false;
  options.abort?.then(
    () => (aborted = true),
    () => (aborted = true),
  );
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (aborted) throw new Error(`gave up waiting for ${what}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const body = await response.text();
      if (accept(response.status, body)) return body;
      last = `HTTP ${response.status} ${body.slice(0, 200)}`;
    } catch (error) {
      last =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what} did not become healthy within ${Math.round(timeoutMs / 1000)} s (last: ${last})`,
  );
}
