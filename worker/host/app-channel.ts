/**
 * The host's calls to one app instance, one at a time: reports and forwarded session events
 * alike go through here, so they reuse the kept-alive connections opened when the host
 * started (fetch's pool keeps two) instead of opening another whenever they overlap. A busy Node.js server accepts one new connection per turn of its
 * event loop; a host that needed a new connection while 200 clients connected at once waited
 * behind them longer than its silence timeout, and the app declared it lost (decision 029).
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
