'use client';
import { signIn } from 'next-auth/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { afterLoginPath } from '@/lib/auth/after-login-path';

/** next-auth's error for a wrong email or password (other errors carry our own message). */
const WRONG_CREDENTIALS = 'CredentialsSignin';

/**
 * Log-in and registration share one form; registration creates the account first (with the
 * invite link's secret, if any), then logs in.
 */
export function AuthForm({
  mode,
  invite,
  notice,
}: {
  mode: 'login' | 'register';
  invite?: string;
  /** Shown above the form (e.g. "You were invited"). */
  notice?: string;
}) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const email = field('email');
    const password = field('password');
    setBusy(true);
    setError(null);
    try {
      if (mode === 'register') {
        const response = await fetch('/api/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password, ...(invite ? { invite } : {}) }),
        });
        if (!response.ok) {
          const body = (await response.json()) as { error?: { message?: string } };
          setError(body.error?.message ?? 'Registration failed.');
          return;
        }
      }
      const result = await signIn('credentials', { email, password, redirect: false });
      if (!result || result.error) {
        // A disabled account gets our message (lib/auth/auth-options.ts).
        setError(
          !result?.error || result.error === WRONG_CREDENTIALS
            ? 'Wrong email or password.'
            : result.error,
        );
        return;
      }
      // Only a path on this site: the login page must not be an open redirect.
      router.push(afterLoginPath(params.get('callbackUrl')));
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="card narrow" aria-label={mode}>
      <h1>{mode === 'login' ? 'Log in' : 'Create an account'}</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="email" required autoFocus />
      <label htmlFor="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        minLength={mode === 'register' ? 8 : undefined}
        required
      />
      {mode === 'register' && <p className="muted">At least 8 characters.</p>}
      <div className="row" style={{ marginTop: 16 }}>
        <button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
        {mode === 'login' ? (
          <a href="/register">No account yet? Register</a>
        ) : (
          <a href="/login">Already registered? Log in</a>
        )}
      </div>
    </form>
  );
}
