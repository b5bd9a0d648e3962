import type { ReactNode } from 'react';
import './embed.css';

/** Pages other sites frame (the widget): no site chrome, a full-size panel. */
export default function EmbedLayout({ children }: { children: ReactNode }) {
  return <div className="embed-root">{children}</div>;
}
