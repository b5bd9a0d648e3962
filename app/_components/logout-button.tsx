'use client';
import { signOut } from 'next-auth/react';

export function LogoutButton() {
  return (
    <button
      className="secondary"
      type="button"
      onClick={() => void signOut({ callbackUrl: '/login' })}
    >
      Log out
    </button>
  );
}
