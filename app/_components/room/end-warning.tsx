'use client';
import { useEffect, useState } from 'react';

/** Warn viewers this long before a booked session ends, ms. */
const WARN_BEFORE_MS = 60_000;

/** "This session ends in N s", shown from a minute before a booked session's end. */
export function EndWarning({ endsAt }: { endsAt?: string }) {
  const [leftMs, setLeftMs] = useState<number | null>(null);
  useEffect(() => {
    if (!endsAt) return;
    const end = Date.parse(endsAt);
    const tick = () => setLeftMs(end - Date.now());
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [endsAt]);
  if (leftMs === null || leftMs > WARN_BEFORE_MS || leftMs <= 0) return null;
  return (
    <p className="notice" role="status" data-testid="end-warning">
      This session ends in {Math.ceil(leftMs / 1000)} s.
    </p>
  );
}
