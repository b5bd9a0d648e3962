'use client';
import { type FormEvent, useCallback, useState } from 'react';
import { api, jsonInit } from '../../_components/api';
import { DeliveryLog } from './delivery-log';

export interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  createdAt: string;
}

/** Add an endpoint (its secret shown once), list them, delete one, open its delivery log. */
export function WebhookManager(props: { initial: EndpointRow[]; events: string[] }) {
  const [endpoints, setEndpoints] = useState(props.initial);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setEndpoints((await api<{ webhooks: EndpointRow[] }>('/api/v1/webhooks')).webhooks);
  }, []);

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const value = data.get('url');
    const url = typeof value === 'string' ? value.trim() : '';
    const events = data.getAll('events').filter((v): v is string => typeof v === 'string');
    setError(null);
    if (events.length === 0) {
      setError('Tick at least one event to send to this URL.');
      return;
    }
    setBusy(true);
    try {
      const body = await api<EndpointRow & { secret: string }>(
        '/api/v1/webhooks',
        jsonInit('POST', { url, events }),
      );
      setCreated({ url: body.url, secret: body.secret });
      setCopied(false);
      form.reset();
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function onDelete(endpoint: EndpointRow) {
    if (
      !confirm(
        `Delete the webhook to ${endpoint.url}? Its delivery log goes too, and pending retries are dropped.`,
      )
    )
      return;
    setError(null);
    try {
      await api(`/api/v1/webhooks/${endpoint.id}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function copySecret(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setError('Copying needs clipboard access here: select the secret and copy it by hand.');
    }
  }

  return (
    <>
      <form className="card" onSubmit={(e) => void onCreate(e)} aria-label="New webhook">
        <label>
          Endpoint URL
          <input
            name="url"
            type="url"
            required
            maxLength={2000}
            placeholder="https://example.com/facecast-webhook"
          />
        </label>
        <fieldset>
          <legend>Events to send</legend>
          {props.events.map((name) => (
            <label key={name} className="check row">
              <input type="checkbox" name="events" value={name} /> <code>{name}</code>
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add webhook'}
        </button>
      </form>
      {created && (
        <div className="notice" role="status">
          <p>
            Signing secret for <code>{created.url}</code>. Copy it now: it is shown only once. If
            you lose it, delete the webhook and add it again.
          </p>
          <div className="row">
            <code className="key" data-testid="new-webhook-secret">
              {created.secret}
            </code>
            <button
              type="button"
              className="secondary"
              onClick={() => void copySecret(created.secret)}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      )}
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      <h2>Your webhooks</h2>
      {endpoints.length === 0 ? (
        <div className="empty">
          No webhooks yet. Add a URL above to be told when sessions, transcripts, avatars or
          bookings change.
        </div>
      ) : (
        endpoints.map((endpoint) => (
          <section key={endpoint.id} className="card" aria-label={`Webhook ${endpoint.url}`}>
            <div className="row">
              <code className="grow">{endpoint.url}</code>
              <button type="button" className="danger" onClick={() => void onDelete(endpoint)}>
                Delete
              </button>
            </div>
            <p className="muted">
              {endpoint.events.join(', ')} · added {endpoint.createdAt.slice(0, 10)}
            </p>
            <DeliveryLog endpointId={endpoint.id} />
          </section>
        ))
      )}
    </>
  );
}
