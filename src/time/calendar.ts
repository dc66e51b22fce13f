import { fromLocal, localDate, toLocal } from './zone.js';

/**
 * The firm's working-day calendar: Monday to Friday, minus public holidays, plus make-up
 * workdays (调休). Dates are YYYY-MM-DD in the firm's time zone.
 */
export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  /**
   * The last year the holiday data covers (the public data and the firm's calendar.yaml): a
   * working-day due time past it is computed on weekdays alone, and flagged (SPEC §4).
   */
  lastYear?: number;
}

/** The last year any holiday or make-up workday is known for. */
export function lastCoveredYear(holidays: Iterable<string>, workdays: Iterable<string>): number | undefined {
  let last: number | undefined;
  for (const set of [holidays, workdays]) for (const d of set) last = Math.max(last ?? 0, Number(d.slice(0, 4)));
  return last;
}

export function isWorkingDay(date: string, cal: WorkCalendar): boolean {
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return dow !== 0 && dow !== 6;
}

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10);
}

/** t + n working days: the same local time of day on the n-th working day after t's date (SPEC §4). */
/** The same time of day `n` calendar days later, dates taken in the zone. */
export function addCalendarDays(epochMs: number, n: number, timeZone: string): number {
  const l = toLocal(epochMs, timeZone);
  const date = new Date(Date.UTC(l.year, l.month - 1, l.day + n));
  return fromLocal({ ...l, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }, timeZone);
}

export function addWorkingDays(epochMs: number, n: number, cal: WorkCalendar, timeZone: string): number {
  const l = toLocal(epochMs, timeZone);
  let date = localDate(l);
  let left = n;
  // a bound keeps a calendar that declares every day a holiday from looping forever
  for (let guard = 0; left > 0 && guard < 3660; guard++) {
    date = nextDate(date);
    if (isWorkingDay(date, cal)) left--;
  }
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return fromLocal({ ...l, year, month, day }, timeZone);
}
