/**
 * The embedded database on a thread of its own (decision 032): PGlite and its Prisma driver
 * adapter run here, in a worker thread of the app's process, and lib/db/pglite-thread.ts on
 * the main thread sends each call as a message. The main thread keeps answering HTTP while
 * PostgreSQL (WebAssembly) executes a query.
 *
 * Plain JavaScript, loaded by path: Next.js bundles lib/db, and a worker needs a file Node.js
 * runs as it is.
 *
 * Messages in: `{ id, op, args }`; out: `{ id, result }` or `{ id, error }`, in the order the
 * calls finish. Calls run in the order they arrive, as they would on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

if (!parentPort)
  throw new Error('pglite-thread.mjs runs as a worker thread (lib/db/pglite-thread.ts)');
const port = parentPort;

/** @type {{ dataDir?: string }} */
const { dataDir } = workerData ?? {};
const pg = dataDir ? new PGlite(dataDir) : new PGlite();
const adapter = await new PrismaPGlite(pg).connect();

/** Open transactions by id: the main thread names one in each call made inside it. */
const transactions = new Map();
let nextTransaction = 1;

/** @param {unknown} id */
function transaction(id) {
  const found = transactions.get(id);
  if (!found) throw new Error(`no open transaction ${String(id)} on the database thread`);
  return found;
}

/** @type {Record<string, (...args: any[]) => Promise<unknown>>} */
const operations = {
  exec: async (sql) => {
    await pg.exec(sql);
  },
  query: async (sql, params) => (await pg.query(sql, params)).rows,
  queryRaw: (query, tx) => (tx === undefined ? adapter : transaction(tx)).queryRaw(query),
  executeRaw: (query, tx) => (tx === undefined ? adapter : transaction(tx)).executeRaw(query),
  executeScript: (script) => adapter.executeScript(script),
  startTransaction: async (isolationLevel) => {
    const started = await adapter.startTransaction(isolationLevel);
    const id = nextTransaction++;
    transactions.set(id, started);
    return { id, options: started.options };
  },
  commit: async (tx) => {
    const ending = transaction(tx);
    transactions.delete(tx);
    await ending.commit();
  },
  rollback: async (tx) => {
    const ending = transaction(tx);
    transactions.delete(tx);
    await ending.rollback();
  },
  close: async () => {
    await pg.close();
  },
};

/**
 * What crosses back for a failed call: Prisma recognises a driver error by its name and its
 * `cause` (the Postgres code and message), so both are kept; the stack is this thread's.
 * @param {unknown} error
 */
function describe(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { name, message, stack } = error;
  const described = { name, message, stack };
  const { cause, code } = /** @type {{ cause?: unknown; code?: unknown }} */ (error);
  // As plain data (the driver's cause is: the Postgres code, message, detail…).
  if (cause !== null && typeof cause === 'object')
    described.cause = JSON.parse(JSON.stringify(cause));
  if (typeof code === 'string') described.code = code;
  return described;
}

port.on('message', async (/** @type {{ id: number; op: string; args: unknown[] }} */ message) => {
  const { id, op, args } = message;
  try {
    const operation = operations[op];
    if (!operation) throw new Error(`unknown database thread operation ${op}`);
    port.postMessage({ id, result: await operation(...args) });
  } catch (error) {
    port.postMessage({ id, error: describe(error) });
  }
});
port.postMessage({ ready: true });
