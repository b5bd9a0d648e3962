/**
 * Whether frames arrive on time, over a sliding window of the last N frames: trips when the
 * window is full and more than `maxLateFraction` of it was late.
 */
export class LateFrameMonitor {
  private readonly late: Uint8Array;
  private next = 0;
  private seen = 0;
  private lateCount = 0;

  constructor(
    readonly windowFrames: number,
    readonly maxLateFraction: number,
  ) {
    this.late = new Uint8Array(windowFrames);
  }

  record(late: boolean): void {
    const i = this.next;
    this.lateCount += (late ? 1 : 0) - this.late[i]!;
    this.late[i] = late ? 1 : 0;
    this.next = (i + 1) % this.windowFrames;
    this.seen = Math.min(this.seen + 1, this.windowFrames);
  }

  lateFraction(): number {
    return this.seen === 0 ? 0 : this.lateCount / this.seen;
  }

  tripped(): boolean {
    return this.seen === this.windowFrames && this.lateFraction() > this.maxLateFraction;
  }
}
