'use client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, jsonInit } from '../../_components/api';

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export function ApiKeyManager() {
  const [keys, setKeys] = useState<KeyRow[] | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setKeys((await api<{ apiKeys: KeyRow[] }>('/api/v1/api-keys')).apiKeys);
  }, []);
  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setError(null);
    try {
      const value = new FormData(form).get('name');
      const name = typeof value === 'string' ? value : '';
      const body = await api<{ key: string }>('/api/v1/api-keys', jsonInit('POST', { name }));
      setCreated(body.key);
      form.reset();
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function onRevoke(key: KeyRow) {
    if (!confirm(`Revoke "${key.name}"? Programs using it stop working at once.`)) return;
    await api(`/api/v1/api-keys/${key.id}`, { method: 'DELETE' }).catch((e: Error) =>
      setError(e.message),
    );
    await load();
  }

  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        Use a key as <code>Authorization: Bearer &lt;key&gt;</code> with the REST API at{' '}
        <code>/api/v1</code>: see the <a href="/docs/api">API reference</a>.
      </p>
      <form className="card row" onSubmit={(e) => void onCreate(e)} aria-label="New API key">
        <input
          className="grow"
          name="name"
          type="text"
          required
          maxLength={80}
          placeholder="Key name, e.g. my-app"
          aria-label="Key name"
        />
        <button type="submit">Create key</button>
      </form>
      {created && (
        <div className="notice" role="status">
          <p>Copy this key now: it is shown only once.</p>
          <code className="key" data-testid="new-api-key">
            {created}
          </code>
        </div>
      )}
      {error && <div className="error">{error}</div>}
      <h2>Your keys</h2>
      {keys === null ? (
        <p className="muted">Loading…</p>
      ) : keys.length === 0 ? (
        <div className="empty">No API keys yet.</div>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
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
                <td>{k.createdAt.slice(0, 10)}</td>
                <td>{k.lastUsedAt ? k.lastUsedAt.slice(0, 16).replace('T', ' ') : 'never'}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => void onRevoke(k)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
