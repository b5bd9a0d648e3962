'use client';
import { useState } from 'react';
import { api, jsonInit } from '../api';
import { roomAuth, type RoomGrant } from './room-grant';

/**
 * The host's room switches: lock (nobody new joins) and a new link (everyone who came through
 * the old one is removed; the new one is shown to copy). Moderators may lock.
 */
export function RoomSettings({ grant, locked }: { grant: RoomGrant; locked: boolean }) {
  const [newLink, setNewLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/rooms/${encodeURIComponent(grant.sessionId)}`;

  async function patch(body: { locked?: boolean; rotateLink?: true }) {
    setError(null);
    try {
      const init = jsonInit('PATCH', body);
      const result = await api<{ viewerUrl: string; joinUrl?: string; removed?: number }>(base, {
        ...init,
        headers: roomAuth(grant, true),
      });
      if (body.rotateLink) setNewLink(result.joinUrl ?? result.viewerUrl);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="row wrap" aria-label="Room settings">
      <label className="row check">
        <input
          type="checkbox"
          checked={locked}
          data-testid="room-lock"
          onChange={(e) => void patch({ locked: e.target.checked })}
        />
        Lock the room
      </label>
      {grant.role === 'host' && (
        <button
          type="button"
          className="secondary small"
          data-testid="room-rotate"
          onClick={() => {
            if (confirm('Make a new link? Everyone who joined with the old one is removed.')) {
              void patch({ rotateLink: true });
            }
          }}
        >
          New link
        </button>
      )}
      {newLink && (
        <span className="row">
          <code data-testid="room-new-link">{newLink}</code>
          <button
            type="button"
            className="secondary small"
            onClick={() => void navigator.clipboard.writeText(newLink)}
          >
            Copy
          </button>
        </span>
      )}
      {error && <div className="error">{error}</div>}
    </section>
  );
}
