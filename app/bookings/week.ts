/** Calendar arithmetic of the bookings page, in the browser's own time zone. */

const DAY_MS = 24 * 3_600_000;

/** Monday 00:00 (local time) of the week holding `date`. */
export function weekStart(date: Date): Date {
  const start = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const sinceMonday = (start.getDay() + 6) % 7;
  start.setDate(start.getDate() - sinceMonday);
  return start;
}

/** The seven local days of the week starting at `monday`. */
export function weekDays(monday: Date): Date[] {
  return Array.from(
    { length: 7 },
    (_, i) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + i),
  );
}

export function addWeeks(monday: Date, weeks: number): Date {
  return new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 7 * weeks);
}

/** Whether [start, end) touches the local day starting at `day`. */
export function onDay(day: Date, start: Date, end: Date): boolean {
  const next = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
  return start < next && end > day;
}

/** `YYYY-MM-DD` and `HH:MM` of a local time, as date and time inputs take them. */
export function inputValues(date: Date): { date: string; time: string } {
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}`,
  };
}

/** Tomorrow at 10:00 local time: the form's first suggestion. */
export function suggestedStart(now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 10, 0);
}

export const WEEK_MS = 7 * DAY_MS;
