/**
 * The embedded database on a thread of its own (decision 032). PGlite runs PostgreSQL as
 * WebAssembly in the thread that calls it: on the app's main thread, every query stops the
 * event loop for as long as it runs (in a profile under the REST API benchmark, PGlite was
 * 38 % of the app's busy time). Here PGlite and its Prisma driver adapter run in a worker
 * thread (scripts/lib/pglite-thread.mjs); Prisma on the main thread gets a driver adapter whose
 * every call is a message to it.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { log } from '@/lib/log/logger';
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
  TransactionOptions,
} from '@prisma/driver-adapter-utils';

const THREAD_ENTRY = path.join(process.cwd(), 'scripts', 'lib', 'pglite-thread.mjs');

interface FailedCall {
  name: string;
  message: string;
  stack?: string;
  cause?: object;
  code?: string;
}

interface Reply {
  id?: number;
  ready?: true;
  result?: unknown;
  error?: FailedCall;
}

/** An error from the database thread, as Prisma and our callers know it there. */
function rebuild(failed: FailedCall): Error {
  const error = new Error(failed.message);
  error.name = failed.name;
  // Enumerable, as the driver adapter's own error has it (Prisma copies it into `meta`).
  if (failed.cause) Object.assign(error, { cause: failed.cause });
  if (failed.stack) error.stack = `${failed.stack}\n    (on the database thread)`;
  if (failed.code !== undefined) Object.assign(error, { code: failed.code });
  return error;
}

/** Unexpected ends of the thread within RESTART_WINDOW_MS after which it is not reopened. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

type Waiting = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class PGliteThread {
  private nextId = 1;
  private readonly pending = new Map<number, Waiting>();
  /** Set once calls can no longer succeed: closed, or ended and not to be reopened. */
  private ended: Error | undefined;
  /** While the thread is being reopened after it ended: calls wait for it. */
  private reopening: Promise<void> | undefined;
  private restarts: number[] = [];
  private worker!: Worker;

  private constructor(private readonly dataDir: string | undefined) {}

  /**
   * Starts the thread and opens PGlite in it: in `dataDir`, or in memory without one.
   * Rejects with PGlite's own error when it cannot open the directory.
   */
  static async open(dataDir?: string): Promise<PGliteThread> {
    const thread = new PGliteThread(dataDir);
    await thread.start();
    return thread;
  }

  private async start(): Promise<void> {
    const worker = new Worker(THREAD_ENTRY, { workerData: { dataDir: this.dataDir } });
    await new Promise<void>((resolve, reject) => {
      const ready = (reply: Reply) => {
        if (!reply.ready) return;
        worker.off('message', ready);
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', ready);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the database thread ended while opening (exit code ${code})`)),
      );
    });
    worker.on('message', (reply: Reply) => this.answer(reply));
    worker.once('error', (error) => this.lost(worker, error));
    worker.once('exit', (code) =>
      this.lost(worker, new Error(`the database thread ended (exit code ${code})`)),
    );
    this.worker = worker;
    this.holdProcess();
  }

  private answer(reply: Reply): void {
    if (reply.id === undefined) return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    this.holdProcess();
    if (reply.error) waiting.reject(rebuild(reply.error));
    else waiting.resolve(reply.result);
  }

  /**
   * The thread ended without being closed (an uncaught error in it, PostgreSQL aborting): the
   * calls in flight fail, and a database on disk is opened again in a new thread (PostgreSQL
   * recovers it as after a crash) so the app goes on answering. One in memory is gone, as are
   * the thread's open transactions.
   */
  private lost(worker: Worker, error: Error): void {
    if (worker !== this.worker || this.ended || this.reopening) return;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    const now = Date.now();
    this.restarts = this.restarts.filter((at) => now - at < RESTART_WINDOW_MS);
    if (this.dataDir === undefined || this.restarts.length >= MAX_RESTARTS) {
      this.ended = error;
      log.error({ err: error }, 'the embedded database thread ended; database calls now fail');
      return;
    }
    this.restarts.push(now);
    log.error({ err: error }, 'the embedded database thread ended; opening the database again');
    this.reopening = this.start().then(
      () => {
        this.reopening = undefined;
        log.info('the embedded database is open again');
      },
      (failed: Error) => {
        this.reopening = undefined;
        this.ended = failed;
        log.error({ err: failed }, 'the embedded database could not be opened again');
      },
    );
  }

  /**
   * Calls one operation of scripts/lib/pglite-thread.mjs. While calls are in flight the thread
   * keeps the process alive (a CLI awaiting a query must not exit); idle, it does not.
   */
  async call<T>(op: string, ...args: unknown[]): Promise<T> {
    if (this.reopening) await this.reopening;
    if (this.ended) throw this.ended;
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    this.holdProcess();
    this.worker.postMessage({ id, op, args });
    return answer;
  }

  private holdProcess(): void {
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  exec(sql: string): Promise<void> {
    return this.call('exec', sql);
  }

  query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.call('query', sql, params);
  }

  /** A Prisma driver adapter factory whose queries run on this thread. */
  adapterFactory(): SqlDriverAdapterFactory {
    return {
      provider: 'postgres',
      adapterName: 'pglite-prisma-adapter',
      connect: () => Promise.resolve(this.adapter()),
    };
  }

  private adapter(): SqlDriverAdapter {
    const queryable = (tx?: number) => ({
      provider: 'postgres' as const,
      adapterName: 'pglite-prisma-adapter',
      queryRaw: (query: SqlQuery) => this.call<SqlResultSet>('queryRaw', query, tx),
      executeRaw: (query: SqlQuery) => this.call<number>('executeRaw', query, tx),
    });
    return {
      ...queryable(),
      executeScript: (script: string) => this.call('executeScript', script),
      startTransaction: async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
        const { id, options } = await this.call<{ id: number; options: TransactionOptions }>(
          'startTransaction',
          isolationLevel,
        );
        return {
          ...queryable(id),
          options,
          commit: () => this.call('commit', id),
          rollback: () => this.call('rollback', id),
        };
      },
      getConnectionInfo: () => ({ supportsRelationJoins: true }),
      dispose: () => Promise.resolve(),
    };
  }

  /** Closes PGlite (its files complete on disk), then ends the thread. */
  async close(): Promise<void> {
    if (this.reopening) await this.reopening;
    if (!this.ended) await this.call('close');
    this.ended ??= new Error('the database thread was closed');
    await this.worker.terminate();
  }
}
