'use client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { CreatedInvite } from '@/lib/registration/create-invite';
import type { InviteView } from '@/lib/registration/invite-view';
import type { RegistrationMode } from '@/lib/registration/registration-mode';
import { api, jsonInit } from '../../_components/api';
import { LocalTime } from '../../_components/local-time';

const MODES: Array<{ mode: RegistrationMode; label: string; hint: string }> = [
  { mode: 'open', label: 'Open', hint: 'Anyone who reaches this site can create an account.' },
  {
    mode: 'invite',
    label: 'Invite only',
    hint: 'Only people holding an unused invite link below can create an account.',
  },
  {
    mode: 'closed',
    label: 'Closed',
    hint: 'No one can create an account, not even with an invite.',
  },
];

function ModeChooser() {
  const [mode, setMode] = useState<RegistrationMode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api<{ mode: RegistrationMode }>('/api/v1/admin/registration').then(
      (body) => setMode(body.mode),
      (e: Error) => setError(e.message),
    );
  }, []);

  async function change(next: RegistrationMode) {
    const previous = mode;
    setMode(next);
    setError(null);
    setSaved(false);
    try {
      const body = await api<{ mode: RegistrationMode }>(
        '/api/v1/admin/registration',
        jsonInit('PUT', { mode: next }),
      );
      setMode(body.mode);
      setSaved(true);
    } catch (e) {
      setMode(previous);
      setError((e as Error).message);
    }
  }

  return (
    <section aria-labelledby="mode-title">
      <h2 id="mode-title">Who may register</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {mode === null && !error && <p className="muted">Loading…</p>}
      {mode !== null && (
        <fieldset>
          <legend>Registration mode (saved when changed)</legend>
          {MODES.map((m) => (
            <label key={m.mode} className="check row">
              <input
                type="radio"
                name="registration-mode"
                value={m.mode}
                checked={mode === m.mode}
                onChange={() => void change(m.mode)}
              />
              <span>
                {m.label} <span className="muted">— {m.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {saved && (
        <p className="muted" role="status">
          Saved: registration is {mode}.
        </p>
      )}
    </section>
  );
}

function NewInvite({ created }: { created: CreatedInvite }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice" role="status" aria-label="New invite link">
      <p>Copy this link now: it is shown only once. It works for one registration.</p>
      <div className="invite-link">
        <code className="key" data-testid="invite-url">
          {created.url}
        </code>
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard.writeText(created.url).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="muted">
        Valid until <LocalTime iso={created.expiresAt} />.
      </p>
    </div>
  );
}

function Invites() {
  const [invites, setInvites] = useState<InviteView[] | null>(null);
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [note, setNote] = useState('');
  const [days, setDays] = useState('7');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setInvites((await api<{ invites: InviteView[] }>('/api/v1/admin/invites')).invites);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function make(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const expiresInDays = Number(days);
      setCreated(
        await api<CreatedInvite>(
          '/api/v1/admin/invites',
          jsonInit('POST', { note: note.trim() || undefined, expiresInDays }),
        ),
      );
      setNote('');
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function withdraw(invite: InviteView) {
    setError(null);
    try {
      await api<void>(`/api/v1/admin/invites/${invite.id}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section aria-labelledby="invites-title">
      <h2 id="invites-title">Invites</h2>
      <p className="muted">
        An invite link lets one person register while registration is invite only. Only a hash of
        its secret is kept: copy the link when you make it.
      </p>
      <form className="row admin-form" onSubmit={(e) => void make(e)} aria-label="Make an invite">
        <label htmlFor="invite-note">Note</label>
        <input
          id="invite-note"
          type="text"
          className="grow"
          maxLength={200}
          placeholder="Who it is for (only admins see it)"
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        <label htmlFor="invite-days">Valid for (days)</label>
        <input
          id="invite-days"
          type="number"
          min={1}
          max={90}
          required
          value={days}
          onChange={(e) => setDays(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Make invite
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {created && <NewInvite created={created} />}
      {invites === null && !error && <p className="muted">Loading…</p>}
      {invites?.length === 0 && (
        <div className="empty">
          <p>No invites yet.</p>
        </div>
      )}
      {invites && invites.length > 0 && (
        <div className="table-scroll">
          <table className="admin-table" aria-label="Invites">
            <thead>
              <tr>
                <th scope="col">Made</th>
                <th scope="col">Note</th>
                <th scope="col">Status</th>
                <th scope="col">Expires</th>
                <th scope="col">Used by</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invites.map((invite) => (
                <tr key={invite.id}>
                  <td>
                    <LocalTime iso={invite.createdAt} />
                    <div className="muted">by {invite.createdByEmail}</div>
                  </td>
                  <td>{invite.note || <span className="muted">—</span>}</td>
                  <td>
                    <span className="badge">{invite.status}</span>
                  </td>
                  <td>
                    <LocalTime iso={invite.expiresAt} />
                  </td>
                  <td>{invite.usedByEmail ?? <span className="muted">—</span>}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`${invite.status === 'used' ? 'Remove' : 'Withdraw'} invite${invite.note ? ` for ${invite.note}` : ''}`}
                      onClick={() => void withdraw(invite)}
                    >
                      {invite.status === 'used' ? 'Remove' : 'Withdraw'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The registration admin page: mode, a form to make invites, the invites list. */
export function RegistrationAdmin() {
  return (
    <>
      <h1>Registration</h1>
      <ModeChooser />
      <Invites />
    </>
  );
}
