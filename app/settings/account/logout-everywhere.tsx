'use client';
import { useState } from 'react';
import { api } from '../../_components/api';

/** "Log out everywhere": ends every login of the account, this browser's too. */
export function LogoutEverywhere() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function logOutEverywhere() {
    setError(null);
    setBusy(true);
    try {
      await api('/api/v1/account/logout-everywhere', { method: 'POST' });
      window.location.assign('/login');
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  return (
    <section className="card" style={{ maxWidth: 420 }} aria-label="Log out everywhere">
      <h2 style={{ marginTop: 0 }}>Log out everywhere</h2>
      <p className="muted">
        Ends this account&apos;s logins in every browser, this one included, for example after using
        a shared computer. API keys keep working; revoke them in Settings → API keys.
      </p>
      <button type="button" onClick={() => void logOutEverywhere()} disabled={busy}>
        {busy ? 'Logging out…' : 'Log out everywhere'}
      </button>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}
