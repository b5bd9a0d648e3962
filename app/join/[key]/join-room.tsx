'use client';
import { useEffect, useState } from 'react';
import type { JoinStatusView } from '@/lib/rooms/join-status';
import { api } from '../../_components/api';
import { LiveViewer } from '../../_components/live-viewer';

/** How often the page checks whether the booked session has started, ms. */
const POLL_MS = 5_000;

const WAITING: Record<JoinStatusView['state'], string> = {
  upcoming: 'This session has not started yet. Keep this page open: it joins by itself.',
  starting: 'The avatar is on its way…',
  live: 'This session is on now.',
  over: 'This session is over.',
  cancelled: 'This booking was cancelled.',
};

/** Waits for the booked session to start, then joins its room. */
export function JoinRoom(props: { joinKey: string; initial: JoinStatusView; isOwner: boolean }) {
  const [status, setStatus] = useState(props.initial);
  const open = status.state === 'live' || status.state === 'starting';
  const base = `/api/join/${encodeURIComponent(props.joinKey)}`;

  useEffect(() => {
    if (open || status.state === 'over' || status.state === 'cancelled') return;
    const timer = setInterval(() => {
      api<JoinStatusView>(base)
        .then(setStatus)
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [base, open, status.state]);

  if (!open) {
    return (
      <p data-testid="join-state" data-state={status.state}>
        {WAITING[status.state]}
      </p>
    );
  }
  return (
    <>
      <p className="muted" data-testid="join-state" data-state={status.state}>
        {WAITING[status.state]}
      </p>
      <LiveViewer tokenUrl={`${base}/token`} askName={!props.isOwner} />
    </>
  );
}
