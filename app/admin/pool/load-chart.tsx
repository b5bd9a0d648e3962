import type { PoolHostView } from '@/lib/workers/pool-view';

const WIDTH = 240;
const HEIGHT = 60;

/** Points of a 0-1 series over the window ending at `endMs`, as an SVG polyline. */
function points(
  samples: PoolHostView['history'],
  endMs: number,
  windowMs: number,
  value: (s: PoolHostView['history'][number]) => number,
) {
  return samples
    .filter((s) => endMs - s.atMs <= windowMs)
    .map((s) => {
      const x = WIDTH - ((endMs - s.atMs) / windowMs) * WIDTH;
      const y = HEIGHT - Math.min(1, Math.max(0, value(s))) * HEIGHT;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/** Load and CPU (share of all cores) of one host over its recent history. */
export function LoadChart({ host, windowMs }: { host: PoolHostView; windowMs: number }) {
  const samples = host.history;
  const last = samples.at(-1);
  const endMs = last?.atMs ?? 0;
  const minutes = Math.round(windowMs / 60_000);
  const cpuShare = (cpuPercent: number) => cpuPercent / (100 * host.cores);
  const label = last
    ? `Load and CPU over the last ${minutes} minutes: load now ${Math.round(last.load * 100)}%, CPU now ${Math.round(cpuShare(last.cpuPercent) * 100)}% of ${host.cores} cores.`
    : 'No history yet.';
  return (
    <figure className="load-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={label}
        preserveAspectRatio="none"
      >
        <line x1="0" y1={HEIGHT / 2} x2={WIDTH} y2={HEIGHT / 2} className="grid-line" />
        <polyline
          className="series-load"
          points={points(samples, endMs, windowMs, (s) => s.load)}
        />
        <polyline
          className="series-cpu"
          points={points(samples, endMs, windowMs, (s) => cpuShare(s.cpuPercent))}
        />
      </svg>
      <figcaption className="muted">
        <span className="key-load">load</span> <span className="key-cpu">CPU</span> · last {minutes}{' '}
        min
      </figcaption>
    </figure>
  );
}
