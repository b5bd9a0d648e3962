/**
 * One kind of the host's calls to one app instance, one at a time: the reporter and the
 * session event sender each have a channel, so each reuses the kept-alive connection it opened
 * when the host started instead of opening another whenever its calls overlap. A busy Node.js
 * server accepts one new connection per turn of its event loop; a host that needed a new
 * connection while 200 clients connected at once waited behind them longer than its silence
 * timeout, and the app declared it lost (decision 029). Reports have a channel of their own so
 * that a slow batch of events does not hold up the report that says the host is alive.
 */
export class AppChannel {
  /** Per app URL: the call in progress or queued last. */
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `call` once the calls queued before it for `appUrl` are done (failed or not). */
  run<T>(appUrl: string, call: () => Promise<T>): Promise<T> {
    const before = this.tails.get(appUrl) ?? Promise.resolve();
    const result = before.catch(() => undefined).then(call);
    const tail = result.catch(() => undefined);
    this.tails.set(appUrl, tail);
    // Forget a URL once its queue is empty, so the map does not keep settled promises.
    void tail.then(() => {
      if (this.tails.get(appUrl) === tail) this.tails.delete(appUrl);
    });
    return result;
  }
}
