import type { Metadata } from 'next';
import { headers } from 'next/headers';
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
  // The widget's page (app/(embed)) is framed by other sites: no site header there. The
  // middleware says which page this is (a client cannot choose: it overwrites the header).
  if ((await headers()).get('x-facecast-page') === 'embed') {
    return (
      <html lang="en">
        <body className="embed-body">{children}</body>
      </html>
    );
  }
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
                <a href="/settings/webhooks">Webhooks</a>
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
