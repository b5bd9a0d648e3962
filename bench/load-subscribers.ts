/**
 * Drives the Go subscriber program (bench/viewer-load): joins subscribers with tokens the
 * benchmark got from the app, collects the program's JSON lines (events and cumulative
 * per-subscriber counters every second), and turns two moments into per-subscriber figures.
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { AVATAR_IDENTITY } from '@/protocol/room-control';

/** Cumulative counters of one subscriber, as the program reports them each second. */
export interface SubscriberCounters {
  i: number;
  frames: number;
  markers: number;
  packets: number;
  lost: number;
  freezes: number;
  /** Longest gap between two frames since the previous report (ms), an open one included. */
  maxGapMs: number;
  audioPackets: number;
  connected: boolean;
}

interface StatsLine {
  unixMs: number;
  subs: SubscriberCounters[];
}

/** What one subscriber received between two moments. */
export interface SubscriberWindow {
  fps: number;
  /** Lowest frames counted in one report interval of the window, scaled to 1 s. */
  worstSecondFps: number;
  freezes: number;
  maxGapMs: number;
  packets: number;
  lost: number;
  connected: boolean;
}

export interface LoadSubscribers {
  /** Subscribers asked for so far. */
  readonly count: number;
  /** Subscribers that joined the room / that get the publisher's video / that failed. */
  readonly joined: number;
  readonly videoSubscribed: number;
  readonly failures: string[];
  /** Join times (ms) in the order they joined. */
  readonly joinMs: number[];
  add(grants: Array<{ url: string; token: string }>): void;
  /** Unix time (ms) of the newest stats line, or 0. */
  latestStatsMs(): number;
  /** Subscribers whose frame count is above zero in the newest stats line. */
  receiving(): number;
  /** Per-subscriber figures between two Unix times (ms) from the stats lines. */
  window(fromUnixMs: number, toUnixMs: number): SubscriberWindow[];
  /** Closes standard input (the program leaves the room) and waits up to `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts the program; `freezeMs`: a gap between frames longer than this is a freeze. */
export function startLoadSubscribers(
  binary: string,
  options: { freezeMs: number; log: (line: string) => void },
): LoadSubscribers {
  const child = spawn(
    binary,
    ['-publisher', AVATAR_IDENTITY, '-freeze-ms', String(options.freezeMs)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const stats: StatsLine[] = [];
  const joinMs: number[] = [];
  const failures: string[] = [];
  let count = 0;
  let videoSubscribed = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.stderr.on('data', (chunk: Buffer) => options.log(chunk.toString().trimEnd()));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let message: {
      type?: string;
      i?: number;
      ms?: number;
      kind?: string;
      error?: string;
      reason?: string;
    };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      options.log(`viewer-load: ${line}`);
      return;
    }
    switch (message.type) {
      case 'stats':
        stats.push(message as unknown as StatsLine);
        // 10 minutes of history is more than any step needs.
        if (stats.length > 600) stats.shift();
        break;
      case 'joined':
        joinMs.push(Number(message.ms));
        break;
      case 'subscribed':
        if (message.kind === 'video') videoSubscribed++;
        break;
      case 'join_failed':
      case 'disconnected':
      case 'bad_input':
        failures.push(
          `${message.type} ${message.i ?? ''}: ${message.error ?? message.reason ?? ''}`,
        );
        options.log(`viewer-load: ${line}`);
        break;
      default:
        break;
    }
  });

  return {
    get count() {
      return count;
    },
    get joined() {
      return joinMs.length;
    },
    get videoSubscribed() {
      return videoSubscribed;
    },
    failures,
    joinMs,
    add(grants) {
      if (exited) throw new Error('the viewer-load program has exited');
      for (const grant of grants) child.stdin.write(`${JSON.stringify(grant)}\n`);
      count += grants.length;
    },
    latestStatsMs: () => stats.at(-1)?.unixMs ?? 0,
    receiving: () => stats.at(-1)?.subs.filter((s) => s.frames > 0).length ?? 0,
    window: (fromUnixMs, toUnixMs) => subscriberWindows(stats, fromUnixMs, toUnixMs),
    async stop(timeoutMs = 15_000) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * Per-subscriber figures between the first stats lines at or after `fromUnixMs` and
 * `toUnixMs` (counters are cumulative; gaps are per report interval).
 */
export function subscriberWindows(
  stats: StatsLine[],
  fromUnixMs: number,
  toUnixMs: number,
): SubscriberWindow[] {
  const start = stats.findIndex((line) => line.unixMs >= fromUnixMs);
  const end = stats.findIndex((line) => line.unixMs >= toUnixMs);
  if (start < 0 || end <= start) throw new Error('no stats lines cover the measuring window');
  const first = stats[start]!;
  const last = stats[end]!;
  const seconds = (last.unixMs - first.unixMs) / 1000;
  return last.subs.map((after) => {
    const before = first.subs.find((s) => s.i === after.i);
    const delta = (key: 'frames' | 'freezes' | 'packets' | 'lost') =>
      after[key] - (before?.[key] ?? 0);
    let worstSecondFps = Number.POSITIVE_INFINITY;
    let maxGapMs = 0;
    for (let k = start + 1; k <= end; k++) {
      const prev = stats[k - 1]!.subs.find((s) => s.i === after.i);
      const cur = stats[k]!.subs.find((s) => s.i === after.i);
      if (!cur) continue;
      const intervalS = (stats[k]!.unixMs - stats[k - 1]!.unixMs) / 1000;
      worstSecondFps = Math.min(worstSecondFps, (cur.frames - (prev?.frames ?? 0)) / intervalS);
      maxGapMs = Math.max(maxGapMs, cur.maxGapMs);
    }
    return {
      fps: delta('frames') / seconds,
      worstSecondFps: Number.isFinite(worstSecondFps) ? worstSecondFps : 0,
      freezes: delta('freezes'),
      maxGapMs,
      packets: delta('packets'),
      lost: delta('lost'),
      connected: after.connected,
    };
  });
}
