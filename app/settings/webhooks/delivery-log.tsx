'use client';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../_components/api';

interface DeliveryRow {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  replayOf: string | null;
  createdAt: string;
}

/** While the log is open it is read again this often, ms (retries and replays show up). */
const REFRESH_MS = 3_000;

const when = (iso: string) => new Date(iso).toLocaleString();

/** One endpoint's latest deliveries, with Replay; opened on demand, refreshed while open. */
export function DeliveryLog({ endpointId }: { endpointId: string }) {
  const [open, setOpen] = useState(false);
  const [deliveries, setDeliveries] = useState<DeliveryRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const body = await api<{ deliveries: DeliveryRow[] }>(
      `/api/v1/webhooks/${endpointId}/deliveries`,
    );
    setDeliveries(body.deliveries);
  }, [endpointId]);

  useEffect(() => {
    if (!open) return;
    const refresh = () => void load().catch((e: Error) => setError(e.message));
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [open, load]);

  async function onReplay(delivery: DeliveryRow) {
    setError(null);
    try {
      await api(`/api/v1/webhooks/${endpointId}/deliveries/${delivery.id}/replay`, {
        method: 'POST',
      });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Delivery log</summary>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {deliveries === null ? (
        <p className="muted">Loading…</p>
      ) : deliveries.length === 0 ? (
        <p className="muted">
          Nothing sent yet: deliveries appear here when one of the chosen events happens.
        </p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Event</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Last answer</th>
                <th>Next retry</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} data-testid="webhook-delivery">
                  <td>
                    <code>{d.event}</code>
                    {d.replayOf && <span className="muted"> (replay)</span>}
                  </td>
                  <td>
                    <span className={`badge ${d.status}`}>{d.status}</span>
                  </td>
                  <td>{d.attempts}</td>
                  <td title={d.lastError ?? undefined}>
                    {d.lastStatus ?? (d.lastError ? 'no answer' : '—')}
                    {d.lastError && <div className="hint">{d.lastError}</div>}
                  </td>
                  <td>{d.nextAttemptAt ? when(d.nextAttemptAt) : '—'}</td>
                  <td>{when(d.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => void onReplay(d)}
                      aria-label={`Replay ${d.event} delivery`}
                    >
                      Replay
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
