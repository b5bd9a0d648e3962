'use client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { AdminUserView, UserRole } from '@/lib/admin/admin-user-view';
import type { UserPage } from '@/lib/admin/list-users';
import { api, jsonInit } from '../../_components/api';

type Changes = Partial<
  Pick<AdminUserView, 'role' | 'disabled' | 'maxConcurrentSessions' | 'monthlySessionMinutes'>
>;

/** "" → null (the server default), else a whole number; undefined when not a number. */
function parseOverride(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

const overrideText = (value: number | null) => (value === null ? '' : String(value));

function UserRow({
  user,
  isSelf,
  onSaved,
}: {
  user: AdminUserView;
  isSelf: boolean;
  onSaved: (user: AdminUserView) => void;
}) {
  const [concurrent, setConcurrent] = useState(overrideText(user.maxConcurrentSessions));
  const [minutes, setMinutes] = useState(overrideText(user.monthlySessionMinutes));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // What the role and disable controls show while their change is being saved (then the
  // saved user, or the old value again if the change was refused).
  const [pending, setPending] = useState<Changes>({});

  async function save(changes: Changes, what: string) {
    setBusy(true);
    setPending(changes);
    setError(null);
    setSaved(null);
    try {
      const updated = await api<AdminUserView>(
        `/api/v1/admin/users/${user.id}`,
        jsonInit('PATCH', changes),
      );
      onSaved(updated);
      setConcurrent(overrideText(updated.maxConcurrentSessions));
      setMinutes(overrideText(updated.monthlySessionMinutes));
      setSaved(what);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      setPending({});
    }
  }

  function saveQuotas(event: FormEvent) {
    event.preventDefault();
    const maxConcurrentSessions = parseOverride(concurrent);
    const monthlySessionMinutes = parseOverride(minutes);
    if (maxConcurrentSessions === undefined || monthlySessionMinutes === undefined) {
      setError('Quotas are whole numbers (0 or more); leave a field empty for the default.');
      return;
    }
    void save({ maxConcurrentSessions, monthlySessionMinutes }, 'Quotas saved.');
  }

  const formId = `quotas-${user.id}`;
  const who = user.email;
  return (
    <tr aria-label={who}>
      <td>
        {user.email}
        {isSelf && <span className="muted"> (you)</span>}
        {user.name && <div className="muted">{user.name}</div>}
      </td>
      <td>
        <select
          aria-label={`Role of ${who}`}
          value={pending.role ?? user.role}
          disabled={busy || isSelf}
          title={isSelf ? 'You cannot remove your own admin role.' : undefined}
          onChange={(e) =>
            void save({ role: e.target.value as UserRole }, `Role set to ${e.target.value}.`)
          }
        >
          <option value="creator">creator</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td>
        <label className="check row">
          <input
            type="checkbox"
            checked={pending.disabled ?? user.disabled}
            disabled={busy || isSelf}
            title={isSelf ? 'You cannot disable your own account.' : undefined}
            onChange={(e) =>
              void save(
                { disabled: e.target.checked },
                e.target.checked ? 'Account disabled.' : 'Account enabled.',
              )
            }
          />
          <span>Disabled</span>
        </label>
      </td>
      <td>
        <input
          form={formId}
          type="number"
          min={0}
          inputMode="numeric"
          aria-label={`Concurrent sessions of ${who}`}
          placeholder="default"
          value={concurrent}
          onChange={(e) => setConcurrent(e.target.value)}
        />
      </td>
      <td>
        <input
          form={formId}
          type="number"
          min={0}
          inputMode="numeric"
          aria-label={`Monthly minutes of ${who}`}
          placeholder="default"
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
        />
      </td>
      <td>
        <form id={formId} onSubmit={saveQuotas}>
          <button type="submit" className="secondary" disabled={busy}>
            Save quotas
          </button>
        </form>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {saved && (
          <p className="muted" role="status">
            {saved}
          </p>
        )}
      </td>
      <td>{user.sessions}</td>
      <td>{user.minutesThisMonth}</td>
    </tr>
  );
}

/** The users table with its search box and pages. */
export function UsersAdmin({ currentUserId }: { currentUserId: string }) {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<UserPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const params = new URLSearchParams({ page: String(page) });
    if (search) params.set('q', search);
    try {
      setData(await api<UserPage>(`/api/v1/admin/users?${params.toString()}`));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [page, search]);

  useEffect(() => {
    void load();
  }, [load]);

  function onSearch(event: FormEvent) {
    event.preventDefault();
    setPage(1);
    setSearch(query.trim());
  }

  function replace(user: AdminUserView) {
    setData(
      (current) =>
        current && {
          ...current,
          users: current.users.map((u) => (u.id === user.id ? user : u)),
        },
    );
  }

  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <>
      <h1>Users</h1>
      <form role="search" className="row admin-form" onSubmit={onSearch} aria-label="Search users">
        <label htmlFor="user-search" className="sr-only">
          Search by email or name
        </label>
        <input
          id="user-search"
          type="search"
          className="grow"
          placeholder="Search by email or name"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit">Search</button>
        {search && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setQuery('');
              setSearch('');
              setPage(1);
            }}
          >
            Show all
          </button>
        )}
      </form>
      <p className="muted">
        Quota fields left empty use the server default (FACECAST_QUOTA_CONCURRENT_SESSIONS,
        FACECAST_QUOTA_MONTHLY_MINUTES). Disabling ends the user&apos;s running sessions and refuses
        their logins and API keys.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <p className="muted">Loading…</p>}
      {data && data.users.length === 0 && (
        <div className="empty">
          <p>{search ? `No user matches “${search}”.` : 'No users yet.'}</p>
        </div>
      )}
      {data && data.users.length > 0 && (
        <div className="table-scroll">
          <table className="admin-table">
            <caption className="muted">
              {data.total} {data.total === 1 ? 'user' : 'users'}
              {search && ` matching “${search}”`}
            </caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Account</th>
                <th scope="col">Concurrent sessions</th>
                <th scope="col">Monthly minutes</th>
                <th scope="col">
                  <span className="sr-only">Save</span>
                </th>
                <th scope="col">Sessions</th>
                <th scope="col">Minutes this month</th>
              </tr>
            </thead>
            <tbody>
              {data.users.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  isSelf={user.id === currentUserId}
                  onSaved={replace}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && pages > 1 && (
        <nav className="row pager" aria-label="Pages">
          <button
            type="button"
            className="secondary"
            disabled={page <= 1}
            onClick={() => setPage(page - 1)}
          >
            Previous
          </button>
          <span className="muted">
            Page {page} of {pages}
          </span>
          <button
            type="button"
            className="secondary"
            disabled={page >= pages}
            onClick={() => setPage(page + 1)}
          >
            Next
          </button>
        </nav>
      )}
    </>
  );
}
