/**
 * Sends the host's report to the app (protocol/host-report.ts) every couple of
 * seconds and soon after any change, and applies the app's answer (sessions to stop). An
 * unreachable app is logged once per outage, not on every attempt: sessions keep running.
 */
import type { Logger } from '../log';
import {
  HOST_REPORT_INTERVAL_MS,
  HOST_REPORT_PATH,
  hostReportResponseSchema,
  type HostReport,
} from '../../protocol/host-report';

export interface AppReporterOptions {
  appUrl: string;
  workerSecret: string;
  log: Logger;
  build: () => Promise<HostReport>;
  /** Sessions the app considers over. */
  onStop: (sessionIds: string[]) => void;
  intervalMs?: number;
  /** Delay that gathers a burst of changes into one report, ms. */
  debounceMs?: number;
}

export class AppReporter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | undefined;
  private again = false;
  private reachable: boolean | undefined;
  private closed = false;

  constructor(private readonly options: AppReporterOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Reports soon (debounced): a session started, ended or changed. */
  soon(): void {
    this.schedule(this.options.debounceMs ?? 100);
  }

  /** Sends one last report (e.g. sessions handed back) and stops. */
  async close(final?: () => void): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.sending;
    final?.();
    await this.send();
  }

  private schedule(delayMs: number) {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.sending) {
        this.again = true;
        return;
      }
      this.sending = this.send().finally(() => {
        this.sending = undefined;
        const next = this.again ? 0 : (this.options.intervalMs ?? HOST_REPORT_INTERVAL_MS);
        this.again = false;
        this.schedule(next);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async send(): Promise<void> {
    const { log } = this.options;
    try {
      const report = await this.options.build();
      const response = await fetch(new URL(HOST_REPORT_PATH, this.options.appUrl), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.workerSecret}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`app answered ${response.status}`);
      const answer = hostReportResponseSchema.parse(await response.json());
      if (this.reachable !== true)
        log.info({ appUrl: this.options.appUrl }, 'reporting to the app');
      this.reachable = true;
      if (answer.stop.length > 0) this.options.onStop(answer.stop);
    } catch (error) {
      if (this.reachable !== false) {
        log.warn(
          { err: error, appUrl: this.options.appUrl },
          'cannot report to the app; sessions keep running, retrying',
        );
      }
      this.reachable = false;
    }
  }
}
