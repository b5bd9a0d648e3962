'use client';
import { useEffect, useState } from 'react';
import type { PoolHostView, PoolSessionView, PoolView } from '@/lib/workers/pool-view';
import { api } from '../../_components/api';
import { LoadChart } from './load-chart';

/** How often the dashboard refreshes, ms. */
const POLL_MS = 2_000;
/** Chart window, ms. */
const CHART_WINDOW_MS = 5 * 60_000;

const percent = (share: number) => `${Math.round(share * 100)}%`;
const mb = (value: number | null) => (value === null ? '—' : `${Math.round(value)} MB`);

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

function HostCard({ host }: { host: PoolHostView }) {
  const used = host.capacity > 0 ? Math.min(1, host.active / host.capacity) : 0;
  const secondsAgo = Math.max(0, Math.round((Date.now() - Date.parse(host.lastSeenAt)) / 1000));
  return (
    <article className="card host-card" aria-labelledby={`host-${host.id}`}>
      <div className="row">
        <h2 id={`host-${host.id}`} className="grow">
          {host.id}
        </h2>
        <span className={`badge host-${host.state}`}>{host.state}</span>
      </div>
      <div
        className="capacity-bar"
        role="meter"
        aria-label="Sessions in use"
        aria-valuemin={0}
        aria-valuemax={host.capacity}
        aria-valuenow={host.active}
        aria-valuetext={`${host.active} of ${host.capacity} sessions`}
      >
        <div style={{ width: percent(used) }} />
      </div>
      <p className="muted">
        {host.active} of {host.capacity} sessions · {host.prewarmed} prewarmed · load{' '}
        {percent(host.load)}
      </p>
      <LoadChart host={host} windowMs={CHART_WINDOW_MS} />
      <dl className="host-figures">
        <dt>CPU</dt>
        <dd>
          {Math.round(host.cpuPercent)}% ({host.cores} cores)
        </dd>
        <dt>Memory</dt>
        <dd>
          {mb(host.pssMb)} PSS · {mb(host.rssMb)} RSS
        </dd>
        <dt>Restarts</dt>
        <dd>{host.restarts}</dd>
        <dt>Last report</dt>
        <dd>{secondsAgo} s ago</dd>
      </dl>
    </article>
  );
}

function SessionRow({ session }: { session: PoolSessionView }) {
  return (
    <tr>
      <td>{session.avatarName}</td>
      <td>
        <code>{session.room}</code>
      </td>
      <td>
        <span className={`badge ${session.status}`}>{session.hostState ?? session.status}</span>
        {session.degraded && <span className="muted"> (degraded)</span>}
      </td>
      <td>{session.hostId ?? '—'}</td>
      <td>{session.viewers ?? '—'}</td>
      <td>{session.fps === null ? '—' : session.fps.toFixed(1)}</td>
      <td>{session.cpuPercent === null ? '—' : `${Math.round(session.cpuPercent)}%`}</td>
      <td>{mb(session.pssMb)}</td>
      <td>{duration(session.uptimeS)}</td>
      <td>{session.restarts}</td>
      <td>{session.renderer ?? '—'}</td>
    </tr>
  );
}

export function PoolDashboard() {
  const [view, setView] = useState<PoolView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api<PoolView>('/api/v1/admin/pool').then(
        (next) => {
          if (cancelled) return;
          setView(next);
          setError(null);
        },
        (e: Error) => {
          if (!cancelled) setError(e.message);
        },
      );
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);

  const connected = view?.hosts.filter((h) => h.state !== 'lost') ?? [];
  return (
    <>
      <h1>Worker pool</h1>
      {view && (
        <p className="muted" aria-live="polite">
          {view.capacity.used} of {view.capacity.capacity} avatar slots in use on{' '}
          {view.capacity.hosts} {view.capacity.hosts === 1 ? 'host' : 'hosts'} ·{' '}
          {view.capacity.free} free
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!view && !error && <p className="muted">Loading…</p>}
      {view && connected.length === 0 && (
        <div className="empty">
          <p>
            No worker host is connected. Start one with <code>npm run worker</code>.
          </p>
        </div>
      )}
      {view && view.hosts.length > 0 && (
        <section aria-label="Worker hosts" className="host-grid">
          {view.hosts.map((host) => (
            <HostCard key={host.id} host={host} />
          ))}
        </section>
      )}
      {view && (
        <section aria-labelledby="pool-sessions">
          <h2 id="pool-sessions">Sessions</h2>
          {view.sessions.length === 0 ? (
            <p className="muted">No session is running.</p>
          ) : (
            <div className="table-scroll">
              <table>
                <caption className="muted">
                  Running sessions
                  {!view.livekitReachable && ' (viewer counts unavailable: LiveKit did not answer)'}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Avatar</th>
                    <th scope="col">Room</th>
                    <th scope="col">State</th>
                    <th scope="col">Host</th>
                    <th scope="col">Viewers</th>
                    <th scope="col">FPS</th>
                    <th scope="col">CPU</th>
                    <th scope="col">Memory</th>
                    <th scope="col">Uptime</th>
                    <th scope="col">Restarts</th>
                    <th scope="col">Renderer</th>
                  </tr>
                </thead>
                <tbody>
                  {view.sessions.map((session) => (
                    <SessionRow key={session.id} session={session} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </>
  );
}
