/** How the bookings page writes times and lengths (the browser's locale and time zone). */

export const DURATIONS_MIN = [15, 30, 45, 60, 90, 120, 180, 240, 360, 480];

export const time = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export const dayLabel = (day: Date) =>
  day.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

export function durationLabel(minutes: number): string {
  if (minutes < 60 || minutes % 30 !== 0) return `${minutes} minutes`;
  return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
}
