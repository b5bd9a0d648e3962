'use client';
import { type FormEvent, useState } from 'react';
import { api, jsonInit } from '../../_components/api';

export function PasswordForm() {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const field = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    setError(null);
    setDone(false);
    if (field('newPassword') !== field('confirm')) {
      setError('The new passwords do not match.');
      return;
    }
    try {
      await api(
        '/api/v1/account/password',
        jsonInit('PUT', {
          currentPassword: field('currentPassword'),
          newPassword: field('newPassword'),
        }),
      );
      form.reset();
      setDone(true);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <form
      className="card"
      style={{ maxWidth: 420 }}
      onSubmit={(e) => void onSubmit(e)}
      aria-label="Change password"
    >
      <h2 style={{ marginTop: 0 }}>Change password</h2>
      <label htmlFor="currentPassword">Current password</label>
      <input
        id="currentPassword"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
      />
      <label htmlFor="newPassword">New password (at least 8 characters)</label>
      <input
        id="newPassword"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        minLength={8}
        required
      />
      <label htmlFor="confirm">New password again</label>
      <input
        id="confirm"
        name="confirm"
        type="password"
        autoComplete="new-password"
        minLength={8}
        required
      />
      <div style={{ marginTop: 16 }}>
        <button type="submit">Change password</button>
      </div>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {done && (
        <div className="notice" role="status">
          Password changed. Every other browser logged in to this account was logged out.
        </div>
      )}
    </form>
  );
}
