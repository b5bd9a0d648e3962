import { describe, expect, it } from 'vitest';
import { batchQueue, batchQueuePer, failed, succeeded, type Outcome } from './batch-queue';

/** A run that records its batches and answers each item with `answer`. */
function recorder<I, O>(answer: (item: I) => Outcome<O>, delayMs = 5) {
  const batches: I[][] = [];
  let running = 0;
  let overlapped = false;
  const run = async (items: I[]) => {
    batches.push(items);
    running++;
    if (running > 1) overlapped = true;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    running--;
    return items.map(answer);
  };
  return { run, batches, overlapped: () => overlapped };
}

describe('batchQueue', () => {
  it('runs requests that arrive together as one batch, in arrival order', async () => {
    const r = recorder((n: number) => succeeded(n * 10));
    const queue = batchQueue({ run: r.run, maxBatch: 100 });
    const answers = await Promise.all([1, 2, 3, 4].map((n) => queue(n)));
    expect(answers).toEqual([10, 20, 30, 40]);
    expect(r.batches).toEqual([[1, 2, 3, 4]]);
  });

  it('queues what arrives during a batch for the next one, never two batches at once', async () => {
    const r = recorder((n: number) => succeeded(n), 20);
    const queue = batchQueue({ run: r.run, maxBatch: 100 });
    const first = [queue(1), queue(2)];
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first batch is running
    const second = [queue(3), queue(4), queue(5)];
    expect(await Promise.all([...first, ...second])).toEqual([1, 2, 3, 4, 5]);
    expect(r.batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(r.overlapped()).toBe(false);
  });

  it("gathers a burst's tail, arriving one by one after a batch, into one batch", async () => {
    const trickle = async (queue: (n: number) => Promise<number>) => {
      await queue(0); // a batch just ended: what follows is the same burst
      const answers: Promise<number>[] = [];
      for (let n = 1; n <= 4; n++) {
        answers.push(queue(n));
        await new Promise((resolve) => setImmediate(resolve)); // one turn of the event loop
      }
      return Promise.all(answers);
    };
    const gathered = recorder((n: number) => succeeded(n), 1);
    expect(await trickle(batchQueue({ run: gathered.run, maxBatch: 100, gatherMs: 20 }))).toEqual([
      1, 2, 3, 4,
    ]);
    expect(gathered.batches).toEqual([[0], [1, 2, 3, 4]]);
    // Without gathering, the first of the tail starts a batch of its own.
    const ungathered = recorder((n: number) => succeeded(n), 1);
    await trickle(batchQueue({ run: ungathered.run, maxBatch: 100 }));
    expect(ungathered.batches[1]).toEqual([1]);
  });

  it('keeps gathering while the tail keeps coming, up to ten times gatherMs', async () => {
    const r = recorder((n: number) => succeeded(n), 1);
    const queue = batchQueue({ run: r.run, maxBatch: 100, gatherMs: 100 });
    await queue(0);
    const answers: Promise<number>[] = [];
    for (let n = 1; n <= 6; n++) {
      answers.push(queue(n));
      await new Promise((resolve) => setTimeout(resolve, 5)); // one every 5 ms, for 30 ms
    }
    await Promise.all(answers);
    expect(r.batches).toEqual([[0], [1, 2, 3, 4, 5, 6]]);
  });

  it('does not make a request alone wait to gather others', async () => {
    const r = recorder((n: number) => succeeded(n), 1);
    const queue = batchQueue({ run: r.run, maxBatch: 100, gatherMs: 1_000 });
    const startedAt = performance.now();
    expect(await queue(7)).toBe(7);
    expect(performance.now() - startedAt).toBeLessThan(500);
  });

  it('fails only the request whose outcome failed; the others get their answers', async () => {
    const r = recorder((n: number) => (n === 2 ? failed(new Error('two refused')) : succeeded(n)));
    const queue = batchQueue({ run: r.run, maxBatch: 100 });
    const settled = await Promise.allSettled([1, 2, 3].map((n) => queue(n)));
    expect(settled).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('two refused') },
      { status: 'fulfilled', value: 3 },
    ]);
    expect(r.batches).toHaveLength(1);
  });

  it('fails every request of a batch that throws with its error, and runs the next batch', async () => {
    let calls = 0;
    const queue = batchQueue({
      run: async (items: number[]) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (calls === 1) throw new Error('connection lost');
        return items.map((n) => succeeded(n));
      },
      maxBatch: 100,
    });
    const first = [queue(1), queue(2)].map((p) => p.catch((e: unknown) => e));
    await new Promise((resolve) => setTimeout(resolve, 3));
    const later = queue(3);
    expect(await Promise.all(first)).toEqual([
      new Error('connection lost'),
      new Error('connection lost'),
    ]);
    expect(await later).toBe(3);
  });

  it('takes at most maxBatch requests per batch, the rest in order after', async () => {
    const r = recorder((n: number) => succeeded(n));
    const queue = batchQueue({ run: r.run, maxBatch: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => queue(n)))).toEqual([1, 2, 3, 4, 5]);
    expect(r.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('refuses a batch that answers the wrong number of requests', async () => {
    const queue = batchQueue({
      run: (items: number[]) => Promise.resolve(items.slice(1).map((n) => succeeded(n))),
      maxBatch: 100,
    });
    const settled = await Promise.allSettled([queue(1), queue(2)]);
    for (const s of settled) {
      expect(s).toMatchObject({ status: 'rejected', reason: { message: /1 outcomes for 2/ } });
    }
  });
});

describe('batchQueuePer', () => {
  it('keeps one queue per key: keys never share a batch', async () => {
    const seen: string[][] = [];
    const per = batchQueuePer((key: { name: string }) => ({
      run: (items: number[]) => {
        seen.push(items.map((n) => `${key.name}${n}`));
        return Promise.resolve(items.map((n) => succeeded(n)));
      },
      maxBatch: 100,
    }));
    const a = { name: 'a' };
    const b = { name: 'b' };
    await Promise.all([per(a, 1), per(b, 2), per(a, 3)]);
    expect(seen.sort()).toEqual([['a1', 'a3'], ['b2']]);
  });
});
