import { describe, expect, it } from 'vitest';
import { HostMetrics } from './host-metrics';

/** Parses Prometheus text into `name{labels}` → value (labels as written, sorted by prom-client). */
function parse(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\w+)(\{.*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    series.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return series;
}

async function scrape(metrics: HostMetrics) {
  return parse(await metrics.metrics());
}

describe('HostMetrics', () => {
  it('serves the pool figures and Node defaults of the host process', async () => {
    const metrics = new HostMetrics();
    metrics.setPool({ active: 3, capacity: 5, prewarmed: 1, load: 0.6 });
    const s = await scrape(metrics);
    expect(s.get('facecast_sessions_active')).toBe(3);
    expect(s.get('facecast_sessions_capacity')).toBe(5);
    expect(s.get('facecast_processes_prewarmed')).toBe(1);
    expect(s.get('facecast_pool_load')).toBe(0.6);
    expect(s.get('facecast_host_process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('adds up session stats and forgets a session when asked', async () => {
    const metrics = new HostMetrics();
    metrics.recordSessionStats('s1', {
      framesRendered: 25,
      framesDropped: 1,
      renderMs: [4, 6, 12],
      fps: 24.5,
    });
    metrics.recordSessionStats('s1', {
      framesRendered: 25,
      framesDropped: 0,
      renderMs: [],
      fps: 25,
    });
    metrics.recordSessionStats('s2', {
      framesRendered: 10,
      framesDropped: 0,
      renderMs: [50],
      fps: 10,
    });
    let s = await scrape(metrics);
    expect(s.get('facecast_session_frames_rendered_total{session="s1"}')).toBe(50);
    expect(s.get('facecast_session_frames_dropped_total{session="s1"}')).toBe(1);
    expect(s.get('facecast_session_fps{session="s1"}')).toBe(25);
    expect(s.get('facecast_session_fps{session="s2"}')).toBe(10);
    expect(s.get('facecast_render_seconds_count')).toBe(4);
    expect(s.get('facecast_render_seconds_sum')).toBeCloseTo(0.072, 6);
    expect(s.get('facecast_render_seconds_bucket{le="0.005"}')).toBe(1);
    expect(s.get('facecast_render_seconds_bucket{le="0.015"}')).toBe(3);
    expect(s.get('facecast_render_seconds_bucket{le="0.04"}')).toBe(3);
    expect(s.get('facecast_render_seconds_bucket{le="+Inf"}')).toBe(4);

    metrics.forgetSession('s1');
    s = await scrape(metrics);
    expect(s.has('facecast_session_frames_rendered_total{session="s1"}')).toBe(false);
    expect(s.has('facecast_session_fps{session="s1"}')).toBe(false);
    expect(s.get('facecast_session_frames_rendered_total{session="s2"}')).toBe(10);
  });

  it('refuses negative or non-finite figures with a clear message', () => {
    const metrics = new HostMetrics();
    expect(() =>
      metrics.recordSessionStats('s1', {
        framesRendered: -1,
        framesDropped: 0,
        renderMs: [],
        fps: 1,
      }),
    ).toThrow(/framesRendered must be a finite number ≥ 0/);
    expect(() =>
      metrics.recordSessionStats('s1', {
        framesRendered: 0,
        framesDropped: 0,
        renderMs: [],
        fps: NaN,
      }),
    ).toThrow(/fps/);
  });

  it('counts restarts by reason, every reason present from the start', async () => {
    const metrics = new HostMetrics();
    expect((await scrape(metrics)).get('facecast_process_restarts_total{reason="crash"}')).toBe(0);
    metrics.countRestart('crash');
    metrics.countRestart('crash');
    metrics.countRestart('memory');
    const s = await scrape(metrics);
    expect(s.get('facecast_process_restarts_total{reason="crash"}')).toBe(2);
    expect(s.get('facecast_process_restarts_total{reason="memory"}')).toBe(1);
    expect(s.get('facecast_process_restarts_total{reason="unresponsive"}')).toBe(0);
  });

  it('replaces process and store series with each snapshot', async () => {
    const metrics = new HostMetrics();
    metrics.setProcesses([
      { pid: 10, role: 'host', cpuPercent: 5, rssBytes: 100e6, pssBytes: 80e6 },
      { pid: 11, role: 'session', sessionId: 's1', cpuPercent: 42.5, rssBytes: 200e6 },
    ]);
    metrics.setStores([{ store: 'avatar-a', mappedBytes: 50e6, inUseBytes: 20e6 }]);
    let s = await scrape(metrics);
    expect(s.get('facecast_process_cpu_percent{pid="11",role="session",session="s1"}')).toBe(42.5);
    expect(s.get('facecast_process_rss_bytes{pid="10",role="host",session=""}')).toBe(100e6);
    expect(s.get('facecast_process_pss_bytes{pid="10",role="host",session=""}')).toBe(80e6);
    // PSS unknown: no series rather than a made-up zero.
    expect(s.has('facecast_process_pss_bytes{pid="11",role="session",session="s1"}')).toBe(false);
    expect(s.get('facecast_frame_store_mapped_bytes{store="avatar-a"}')).toBe(50e6);
    expect(s.get('facecast_frame_store_in_use_bytes{store="avatar-a"}')).toBe(20e6);

    metrics.setProcesses([{ pid: 12, role: 'idle', cpuPercent: 0.5, rssBytes: 90e6 }]);
    metrics.setStores([]);
    s = await scrape(metrics);
    expect(s.has('facecast_process_cpu_percent{pid="11",role="session",session="s1"}')).toBe(false);
    expect(s.get('facecast_process_cpu_percent{pid="12",role="idle",session=""}')).toBe(0.5);
    expect(s.has('facecast_frame_store_mapped_bytes{store="avatar-a"}')).toBe(false);
  });
});
