/**
 * Sends the host's report to the app (protocol/host-report.ts) every couple of
 * seconds and soon after any change, and applies the app's answer (sessions to stop). With
 * several app instances (FACECAST_APP_URL a list) the same report goes to every one at once,
 * so each has the host's figures and history, and one that is down delays nothing; what any
 * of them says to stop is stopped. An unreachable app is logged once per outage, not on every
 * attempt: sessions keep running.
 */
import type { Logger } from '../log';
import { AppChannel } from './app-channel';
import {
  APP_REQUEST_TIMEOUT_MS,
  HOST_ID_HEADER,
  HOST_REPORT_INTERVAL_MS,
  HOST_REPORT_PATH,
  hostReportResponseSchema,
  type HostReport,
} from '../../protocol/host-report';

/** A report slower than this is logged (the app's silence allowance is 6 s). */
const SLOW_REPORT_MS = 3_000;

export interface AppReporterOptions {
  /** Base URLs of the app instances; each gets every report. */
  appUrls: string[];
  workerSecret: string;
  log: Logger;
  build: () => Promise<HostReport>;
  /** Sessions the app considers over. */
  onStop: (sessionIds: string[]) => void;
  intervalMs?: number;
  /** Delay that gathers a burst of changes into one report, ms. */
  debounceMs?: number;
  /** Shared with the session event sender: one connection per app. */
  channel?: AppChannel;
}

export class AppReporter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | undefined;
  private again = false;
  /** Per app URL: whether its last report went through (absent: not tried yet). */
  private readonly reachable = new Map<string, boolean>();
  private closed = false;
  private readonly channel: AppChannel;

  constructor(private readonly options: AppReporterOptions) {
    this.channel = options.channel ?? new AppChannel();
  }

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
    let report: HostReport;
    const startedAt = performance.now();
    try {
      report = await this.options.build();
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not build the host report');
      return;
    }
    const buildMs = performance.now() - startedAt;
    const body = JSON.stringify(report);
    const answers = await Promise.all(
      this.options.appUrls.map((url) => this.sendTo(url, body, report.hostId)),
    );
    // An app declares a host lost after 6 s without a report: say where a slow one waited.
    const totalMs = performance.now() - startedAt;
    if (totalMs > SLOW_REPORT_MS) {
      this.options.log.warn(
        { buildMs: Math.round(buildMs), totalMs: Math.round(totalMs) },
        'a host report took long: building it (buildMs) or the apps answering it',
      );
    }
    const stop = new Set(answers.flatMap((answer) => answer ?? []));
    if (stop.size > 0) this.options.onStop([...stop]);
  }

  /** Sends one report to one app; its answer's sessions to stop, or null when it failed. */
  private async sendTo(appUrl: string, body: string, hostId: string): Promise<string[] | null> {
    const { log } = this.options;
    try {
      const answer = await this.channel.run(appUrl, async () => {
        const response = await fetch(new URL(HOST_REPORT_PATH, appUrl), {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.options.workerSecret}`,
            'content-type': 'application/json',
            [HOST_ID_HEADER]: hostId,
          },
          body,
          signal: AbortSignal.timeout(APP_REQUEST_TIMEOUT_MS),
        });
        // Read whole either way, so the connection goes back to the pool.
        const text = await response.text();
        if (!response.ok) throw new Error(`app answered ${response.status}`);
        return hostReportResponseSchema.parse(JSON.parse(text));
      });
      if (this.reachable.get(appUrl) !== true) log.info({ appUrl }, 'reporting to the app');
      this.reachable.set(appUrl, true);
      return answer.stop;
    } catch (error) {
      if (this.reachable.get(appUrl) !== false) {
        log.warn(
          { err: error, appUrl },
          'cannot report to the app; sessions keep running, retrying',
        );
      }
      this.reachable.set(appUrl, false);
      return null;
    }
  }
}
