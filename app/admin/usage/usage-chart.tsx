import type { DayUsage } from '@/lib/admin/usage-report';

/** About the page's width, so that the stretched labels stay readable. */
const WIDTH = 960;
const HEIGHT = 160;
/** Room at the bottom for day labels and at the top for the scale, px of the viewBox. */
const LABELS = 16;
const TOP = 12;

/** A bar per day: minutes of sessions live that UTC day (drawn like the pool load chart). */
export function UsageChart({ days }: { days: DayUsage[] }) {
  const max = Math.max(0, ...days.map((d) => d.minutes));
  const total = days.reduce((sum, d) => sum + d.minutes, 0);
  const busiest = days.reduce<DayUsage | null>(
    (best, d) => (d.minutes > 0 && (!best || d.minutes > best.minutes) ? d : best),
    null,
  );
  const slot = WIDTH / Math.max(1, days.length);
  const plot = HEIGHT - LABELS - TOP;
  const label =
    max === 0
      ? `No session minutes from ${days[0]?.day ?? ''} to ${days.at(-1)?.day ?? ''}.`
      : `Minutes per day from ${days[0]?.day} to ${days.at(-1)?.day}: ${Math.round(total)} in all, most on ${busiest?.day} (${busiest?.minutes}).`;
  return (
    <figure className="usage-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={label}
        preserveAspectRatio="none"
      >
        <line x1="0" y1={TOP} x2={WIDTH} y2={TOP} className="grid-line" />
        <line x1="0" y1={TOP + plot} x2={WIDTH} y2={TOP + plot} className="grid-line" />
        {max > 0 && (
          <text x="2" y={TOP - 2}>
            {max} min
          </text>
        )}
        {days.map((d, i) => {
          const h = max > 0 ? (d.minutes / max) * plot : 0;
          const isLast = i === days.length - 1;
          return (
            <g key={d.day}>
              <rect
                className="bar"
                x={i * slot + slot * 0.15}
                y={TOP + plot - h}
                width={slot * 0.7}
                height={h}
              >
                <title>{`${d.day}: ${d.minutes} min, ${d.sessions} sessions`}</title>
              </rect>
              {isLast ? (
                <text x={WIDTH - 2} y={HEIGHT - 4} textAnchor="end">
                  {d.day.slice(5)}
                </text>
              ) : (
                // Weekly labels, none too close to the last one.
                i % 7 === 0 &&
                days.length - 1 - i >= 4 && (
                  <text x={i * slot} y={HEIGHT - 4}>
                    {d.day.slice(5)}
                  </text>
                )
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        Minutes of live sessions per UTC day, last {days.length} days
      </figcaption>
    </figure>
  );
}
