'use client';
import { type FormEvent, useEffect, useState } from 'react';

const STORAGE_KEY = 'facecast.displayName';
const MAX_CHARS = 40;

/** Asks a guest for the name the room shows (remembered in this browser for next time). */
export function JoinNameForm({ onJoin }: { onJoin: (name: string) => void }) {
  const [name, setName] = useState('');
  useEffect(() => setName(localStorage.getItem(STORAGE_KEY) ?? ''), []);
  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') return;
    localStorage.setItem(STORAGE_KEY, trimmed);
    onJoin(trimmed);
  }
  return (
    <form className="card join-form" onSubmit={submit} data-testid="join-form">
      <label htmlFor="display-name">Your name in the room</label>
      <div className="row">
        <input
          id="display-name"
          className="grow"
          data-testid="display-name"
          autoFocus
          required
          maxLength={MAX_CHARS}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Ada"
        />
        <button type="submit" data-testid="join-room" disabled={name.trim() === ''}>
          Join
        </button>
      </div>
      <p className="muted">Everyone in the room sees this name next to your messages.</p>
    </form>
  );
}
