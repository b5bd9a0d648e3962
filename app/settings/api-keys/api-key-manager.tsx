'use client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, jsonInit } from '../../_components/api';

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  scopes: string[];
  expiresAt: string | null;
  expired: boolean;
}

export interface ScopeChoice {
  name: string;
  description: string;
}

const DAY_MS = 86_400_000;
const EXPIRY_CHOICES = [
  { value: 'never', label: 'Never' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: 'date', label: 'On a date…' },
] as const;
type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]['value'];

/** YYYY-MM-DD of a local date, as a date input takes it. */
const localDay = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/**
 * The expiry to send: null for never, an ISO instant otherwise (a date means the end of that
 * day, local time); a string starting with "!" is a message for the user instead.
 */
function expiryOf(choice: ExpiryChoice, date: string, now = new Date()): string | null {
  if (choice === 'never') return null;
  if (choice !== 'date') return new Date(now.getTime() + Number(choice) * DAY_MS).toISOString();
  if (!date) return '!Pick the date the key should stop working, or choose another expiry.';
  const end = new Date(`${date}T23:59:59`);
  if (Number.isNaN(end.getTime()) || end <= now) {
    return '!The expiry date has passed: pick today or a later date.';
  }
  return end.toISOString();
}

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

export function ApiKeyManager({ scopes }: { scopes: ScopeChoice[] }) {
  const [keys, setKeys] = useState<KeyRow[] | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [expiry, setExpiry] = useState<ExpiryChoice>('never');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setKeys((await api<{ apiKeys: KeyRow[] }>('/api/v1/api-keys')).apiKeys);
  }, []);
  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(null);
    setCreated(null);
    const chosen = data.getAll('scope').filter((v): v is string => typeof v === 'string');
    if (chosen.length === 0) {
      setError('Choose at least one scope: what may programs using this key do?');
      return;
    }
    const dateValue = data.get('expiresOn');
    const expiresAt = expiryOf(expiry, typeof dateValue === 'string' ? dateValue : '');
    if (expiresAt?.startsWith('!')) {
      setError(expiresAt.slice(1));
      return;
    }
    const nameValue = data.get('name');
    setBusy(true);
    try {
      const body = await api<{ key: string }>(
        '/api/v1/api-keys',
        jsonInit('POST', {
          name: typeof nameValue === 'string' ? nameValue : '',
          scopes: chosen,
          expiresAt,
        }),
      );
      setCreated(body.key);
      form.reset();
      setExpiry('never');
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function onRevoke(key: KeyRow) {
    if (!confirm(`Revoke "${key.name}"? Programs using it stop working at once.`)) return;
    await api(`/api/v1/api-keys/${key.id}`, { method: 'DELETE' }).catch((e: Error) =>
      setError(e.message),
    );
    await load();
  }

  const tomorrow = localDay(new Date(Date.now() + DAY_MS));
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        Use a key as <code>Authorization: Bearer &lt;key&gt;</code> with the REST API at{' '}
        <code>/api/v1</code>: see the <a href="/docs/api">API reference</a>. Give each program only
        the scopes it needs.
      </p>
      <form className="card" onSubmit={(e) => void onCreate(e)} aria-label="New API key">
        <label className="row">
          <span>Name</span>
          <input
            className="grow"
            name="name"
            type="text"
            required
            maxLength={80}
            placeholder="e.g. my-app"
          />
        </label>
        <fieldset>
          <legend>Scopes: what programs using the key may do</legend>
          {scopes.map((scope) => (
            <label key={scope.name} className="check row">
              <input
                type="checkbox"
                name="scope"
                value={scope.name}
                defaultChecked={scope.name !== 'admin'}
                aria-describedby={`scope-${scope.name}`}
              />
              <span>
                <code>{scope.name}</code>{' '}
                <span className="muted" id={`scope-${scope.name}`}>
                  {scope.description}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="row">
          <label className="row">
            <span>Expires</span>
            <select
              name="expiry"
              value={expiry}
              onChange={(e) => setExpiry(e.target.value as ExpiryChoice)}
            >
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          {expiry === 'date' && (
            <label className="row">
              <span>on</span>
              <input
                type="date"
                name="expiresOn"
                required
                min={tomorrow}
                aria-label="Expiry date"
              />
            </label>
          )}
          <span className="grow" />
          <button type="submit" disabled={busy}>
            Create key
          </button>
        </div>
      </form>
      {created && (
        <div className="notice" role="status">
          <p>Copy this key now: it is shown only once.</p>
          <code className="key" data-testid="new-api-key">
            {created}
          </code>
        </div>
      )}
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      <h2>Your keys</h2>
      {keys === null ? (
        <p className="muted">Loading…</p>
      ) : keys.length === 0 ? (
        <div className="empty">No API keys yet.</div>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>Expires</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scopes.length > 0 ? k.scopes.join(', ') : 'none'}</td>
                  <td>
                    {k.expired ? (
                      <span className="badge expired" title={k.expiresAt ?? undefined}>
                        expired
                      </span>
                    ) : k.expiresAt ? (
                      `${when(k.expiresAt)} UTC`
                    ) : (
                      'never'
                    )}
                  </td>
                  <td>{k.createdAt.slice(0, 10)}</td>
                  <td>{k.lastUsedAt ? when(k.lastUsedAt) : 'never'}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => void onRevoke(k)}>
                      Revoke <span className="sr-only">{k.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
