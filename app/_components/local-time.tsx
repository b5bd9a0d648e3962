'use client';

import { useEffect, useState } from 'react';

/**
 * An instant in the reader's own time zone. The server renders UTC (it does not know the
 * zone); the browser replaces it once mounted.
 */
export function LocalTime({ iso, timeOnly = false }: { iso: string; timeOnly?: boolean }) {
  const [text, setText] = useState(() => `${iso.slice(0, 16).replace('T', ' ')} UTC`);
  useEffect(() => {
    const date = new Date(iso);
    setText(
      timeOnly
        ? date.toLocaleTimeString(undefined, {
            hour: '2-digit',
            minute: '2-digit',
            timeZoneName: 'short',
          })
        : date.toLocaleString(undefined, {
            dateStyle: 'full',
            timeStyle: 'short',
          }),
    );
  }, [iso, timeOnly]);
  return <time dateTime={iso}>{text}</time>;
}
