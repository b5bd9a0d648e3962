/**
 * Group commit: requests that arrive while one batch runs wait for the next, which does the
 * database work of all of them at once (one transaction, one query for many rows). Batches
 * run one at a time, in arrival order, and each request gets its own answer: one request
 * that fails does not fail the others. Only when the batch itself fails (the transaction,
 * a query) does every request of that batch get its error.
 *
 * Nothing is decided or kept here beyond the queue itself: whatever must hold across app
 * instances is still decided in the database, by the batch's own work.
 */

/** One request's answer from a batch. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export const succeeded = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failed = (error: unknown): Outcome<never> => ({ ok: false, error });

export interface BatchQueueOptions<I, O> {
  /**
   * Does the work of one batch: `items` in arrival order, one outcome per item in the same
   * order. A throw fails every item of the batch with that error.
   */
  run: (items: I[]) => Promise<Outcome<O>[]>;
  /** Most items one batch takes; the rest wait for the next. */
  maxBatch: number;
  /**
   * Within a burst (a batch finished less than BURST_GAP_MS ago), a new batch waits until no
   * item arrived for this long, ms (at most GATHER_LIMIT times it; default 0: it starts after
   * the current I/O callbacks only).
   */
  gatherMs?: number;
}

/** A batch starting this soon after the last one ended is part of the same burst, ms. */
const BURST_GAP_MS = 100;
/** A batch gathers for at most this many times `gatherMs`. */
const GATHER_LIMIT = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BatchQueue<I, O> {
  /** Queues `item` for the next batch; settles with its own outcome. */
  (item: I): Promise<O>;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export function batchQueue<I, O>(options: BatchQueueOptions<I, O>): BatchQueue<I, O> {
  const waiting: Waiting<I, O>[] = [];
  let running = false;
  let lastEndedAt = -Infinity;

  async function drain(): Promise<void> {
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, options.maxBatch);
        let outcomes: Outcome<O>[];
        try {
          outcomes = await options.run(batch.map((w) => w.item));
          if (outcomes.length !== batch.length) {
            throw new Error(`batch gave ${outcomes.length} outcomes for ${batch.length} items`);
          }
        } catch (error) {
          for (const w of batch) w.reject(error);
          continue;
        }
        batch.forEach((w, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) w.resolve(outcome.value);
          else w.reject(outcome.error);
        });
      }
    } finally {
      running = false;
      lastEndedAt = performance.now();
    }
  }

  async function gather(): Promise<void> {
    const gatherMs = options.gatherMs ?? 0;
    if (gatherMs === 0 || performance.now() - lastEndedAt >= BURST_GAP_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    const until = performance.now() + GATHER_LIMIT * gatherMs;
    let seen = -1;
    while (waiting.length !== seen && waiting.length < options.maxBatch) {
      if (performance.now() >= until) return;
      seen = waiting.length;
      await sleep(gatherMs);
    }
  }

  return (item: I) => {
    const promise = new Promise<O>((resolve, reject) => waiting.push({ item, resolve, reject }));
    if (!running) {
      running = true;
      // Started after the current I/O callbacks: requests that arrived together are one batch.
      // In a burst, the requests of its tail arrive one per turn of the event loop (a busy
      // Node.js server accepts one connection per turn, decision 029), each turn as long as the
      // batch before: gathering while they keep coming makes them one batch, not one each.
      void gather().then(drain);
    }
    return promise;
  };
}

/**
 * One queue per key (per Prisma client: each database handle batches its own requests),
 * made on first use and dropped with its key.
 */
export function batchQueuePer<K extends object, I, O>(
  make: (key: K) => BatchQueueOptions<I, O>,
): (key: K, item: I) => Promise<O> {
  const queues = new WeakMap<K, BatchQueue<I, O>>();
  return (key, item) => {
    let queue = queues.get(key);
    if (!queue) {
      queue = batchQueue(make(key));
      queues.set(key, queue);
    }
    return queue(item);
  };
}
