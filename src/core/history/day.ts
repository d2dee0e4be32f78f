/** Local calendar days: history files are per day, and a day's records must lie inside it. */
import type { TimeWindow } from './historyFormat';

/** The local calendar day of a time, as YYYY-MM-DD. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Local midnight at the start of a YYYY-MM-DD day. */
export function dayStart(key: string): number {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
}

/** The local day that starts at (or contains) a time: [its midnight, the next midnight); 23 to 25 hours with daylight saving. */
export function dayWindowAt(ms: number): TimeWindow {
  const d = new Date(ms);
  return { start: new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(), end: new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime() };
}

/** The window of a YYYY-MM-DD day. */
export function dayWindow(key: string): TimeWindow {
  return dayWindowAt(dayStart(key));
}
