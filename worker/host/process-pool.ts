/**
 * The host's idle session processes. It keeps `prewarm` processes booted and warm (runtime,
 * renderer and speech modules loaded) so a session starts without paying for start-up, hands
 * them out one per session, and takes them back after a session only if they are alive and
 * under the memory budget; anything else is shut down and replaced.
 */
import type { Logger } from '../log';
import type { ProcessHandle } from './process-handle';

export interface ProcessPoolOptions {
  /** Idle processes to keep ready (0 disables prewarming). */
  prewarm: number;
  /** Starts a process and resolves once it has said `ready`. */
  spawn: () => Promise<ProcessHandle>;
  /** A process's memory in bytes (PSS, else RSS), or undefined when unreadable. */
  memoryOf: (pid: number) => number | undefined;
  /** A process above this after a session is replaced instead of reused, bytes. */
  memoryBudgetBytes: number;
  log: Logger;
  /** Deadline for an idle process to exit when shut down, ms. */
  shutdownDeadlineMs?: number;
}

export type RecycleOutcome = 'recycled' | 'replaced';

export class ProcessPool {
  private readonly idle: ProcessHandle[] = [];
  /** Processes being started for the idle set. */
  private warming = 0;
  private closed = false;
  /** False once the host is stopping: idle processes that exit are not replaced. */
  private refilling = true;

  constructor(private readonly options: ProcessPoolOptions) {}

  /** Idle, ready processes. */
  get idleCount(): number {
    return this.idle.length;
  }

  get idlePids(): number[] {
    return this.idle.flatMap((handle) => (handle.pid === undefined ? [] : [handle.pid]));
  }

  /** Starts filling the idle set; resolves when it is full (or a start failed). */
  async start(): Promise<void> {
    await this.refill();
  }

  /**
   * A ready process for a session: a warm one when there is one, else a freshly started one
   * (cold). Either way the idle set is topped up again in the background.
   */
  async take(): Promise<{ handle: ProcessHandle; warm: boolean }> {
    if (this.closed) throw new Error('process pool is closed');
    let handle: ProcessHandle | undefined;
    while ((handle = this.idle.shift())) {
      if (handle.alive) break;
    }
    void this.refill();
    if (handle) return { handle, warm: true };
    return { handle: await this.options.spawn(), warm: false };
  }

  /**
   * Takes a process back after its session ended (it has said `ready` again). It joins the
   * idle set when it is healthy, under budget and needed; otherwise it is shut down.
   */
  async giveBack(handle: ProcessHandle): Promise<RecycleOutcome> {
    const memory = handle.pid === undefined ? undefined : this.options.memoryOf(handle.pid);
    const overBudget = memory !== undefined && memory > this.options.memoryBudgetBytes;
    // A proven warm process beats one still booting: a surplus boot is dropped on arrival.
    const needed = this.idle.length < this.options.prewarm;
    if (!this.closed && handle.alive && !overBudget && needed) {
      this.idle.push(handle);
      this.options.log.debug({ pid: handle.pid, memoryBytes: memory }, 'session process recycled');
      return 'recycled';
    }
    if (overBudget) {
      this.options.log.info(
        { pid: handle.pid, memoryBytes: memory, budgetBytes: this.options.memoryBudgetBytes },
        'session process over its memory budget, replacing it',
      );
    }
    await handle.shutdown('not recycled', this.shutdownDeadlineMs);
    void this.refill();
    return 'replaced';
  }

  /**
   * Starts no more idle processes (the host is stopping: one started now would have missed
   * the SIGTERM its process group got). Sessions still take from the idle set until close().
   */
  stopRefilling(): void {
    this.refilling = false;
  }

  /** Shuts every idle process down; no more are started. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.allSettled(
      idle.map((handle) => handle.shutdown('host shutting down', this.shutdownDeadlineMs)),
    );
  }

  private get shutdownDeadlineMs(): number {
    return this.options.shutdownDeadlineMs ?? 3_000;
  }

  /** Starts processes one at a time until the idle set is full, so boots do not pile up. */
  private async refill(): Promise<void> {
    while (
      !this.closed &&
      this.refilling &&
      this.idle.length + this.warming < this.options.prewarm
    ) {
      this.warming++;
      try {
        const handle = await this.options.spawn();
        // An idle process that dies (crash, heartbeat) simply leaves the set.
        void handle.exited.then(() => {
          const index = this.idle.indexOf(handle);
          if (index >= 0) this.idle.splice(index, 1);
          if (index >= 0) void this.refill();
        });
        if (this.closed || this.idle.length >= this.options.prewarm) {
          await handle.shutdown('not needed', this.shutdownDeadlineMs);
        } else {
          this.idle.push(handle);
        }
      } catch (error) {
        this.options.log.error({ err: error }, 'prewarmed session process failed to start');
        return;
      } finally {
        this.warming--;
      }
    }
  }
}
