/**
 * A Node.js process's memory right after a full garbage collection, through its inspector:
 * SIGUSR1 makes any Node.js process open the inspector on 127.0.0.1:9229 (no flag needed), and
 * the DevTools protocol's `HeapProfiler.collectGarbage` collects its main thread's heap. A
 * reading taken that way does not depend on when V8 last collected or gave memory back, which
 * moves a plain reading by tens of percent between runs of the same code (bench/api.ts).
 *
 * For benchmarks only: the inspector stays open on the process's loopback (inside the test
 * namespace) until it exits.
 */
import WebSocket from 'ws';

const INSPECTOR_URL = 'http://127.0.0.1:9229';

export interface MemoryAfterGc {
  /** V8 heap in use on the main thread after the collection (MB). */
  heapUsedMb: number;
  /** Memory outside V8's heap held by JavaScript objects: Buffers, wasm memories (MB). */
  externalMb: number;
  /** The process's resident memory after the collection (MB), every thread. */
  rssMb: number;
}

/** Collects `pid`'s main-thread heap twice (weak references cleared) and reads its memory. */
export async function memoryAfterFullGc(pid: number): Promise<MemoryAfterGc> {
  const socket = await openInspector(pid);
  try {
    let nextId = 1;
    const call = (method: string, params: object = {}) =>
      new Promise<unknown>((resolve, reject) => {
        const id = nextId++;
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse((data as Buffer).toString('utf8')) as {
            id?: number;
            result?: unknown;
            error?: { message: string };
          };
          if (message.id !== id) return;
          socket.off('message', onMessage);
          if (message.error) reject(new Error(`${method}: ${message.error.message}`));
          else resolve(message.result);
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id, method, params }));
      });
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const result = (await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    const usage = JSON.parse(result.result.value) as NodeJS.MemoryUsage;
    const mb = (bytes: number) => Math.round(bytes / 1_048_576);
    return {
      heapUsedMb: mb(usage.heapUsed),
      externalMb: mb(usage.external),
      rssMb: mb(usage.rss),
    };
  } finally {
    socket.close();
  }
}

async function openInspector(pid: number): Promise<WebSocket> {
  process.kill(pid, 'SIGUSR1');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const targets = (await (await fetch(`${INSPECTOR_URL}/json/list`)).json()) as {
        webSocketDebuggerUrl: string;
      }[];
      const url = targets[0]?.webSocketDebuggerUrl;
      if (!url) throw new Error('the inspector lists no target');
      const socket = new WebSocket(url);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      return socket;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`pid ${pid}'s inspector did not open on ${INSPECTOR_URL}`, {
          cause: error,
        });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
