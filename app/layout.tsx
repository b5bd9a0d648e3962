import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { currentUser } from '@/lib/auth/current-user';
import { LogoutButton } from './_components/logout-button';
import './globals.css';

export const metadata: Metadata = {
  title: 'Facecast',
  description: 'Real-time streaming digital humans',
};

export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser().catch(() => null);
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a className="brand" href="/">
            Facecast
          </a>
          <nav>
            {user && (
              <>
                <a href="/avatars">Avatars</a>
                <a href="/sessions">Sessions</a>
                <a href="/bookings">Bookings</a>
                <a href="/settings/api-keys">API keys</a>
                <a href="/settings/account">Account</a>
                {user.isAdmin && (
                  <>
                    <a href="/admin/pool">Pool</a>
                    <a href="/admin/users">Admin</a>
                  </>
                )}
              </>
            )}
          </nav>
          {user ? (
            <span className="row">
              <span className="muted">{user.email}</span>
              <LogoutButton />
            </span>
          ) : (
            <span className="row">
              <a href="/login">Log in</a>
              <a href="/register">Register</a>
            </span>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
