import { addCalendarDays, addWorkingDays, type WorkCalendar } from './calendar.js';

export type DurationUnit = 'm' | 'h' | 'd' | 'wd';
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

export const DURATION_PATTERN = /^(\d{1,6})(m|h|d|wd)$/;

export function parseDuration(text: string): Duration | undefined {
  const m = DURATION_PATTERN.exec(text.trim());
  if (!m) return undefined;
  return { amount: Number(m[1]), unit: m[2] as DurationUnit };
}

const MS: Record<'m' | 'h', number> = { m: 60_000, h: 3_600_000 };

export interface TimeContext {
  calendar: WorkCalendar;
  timeZone: string;
}

/**
 * t + d. Minutes and hours are exact; a day is the same time of day on the N-th calendar day (the
 * same as 24 h except across a daylight-saving change); working days follow the firm's calendar.
 */
export function addDuration(epochMs: number, d: Duration, ctx: TimeContext): number {
  if (d.unit === 'wd') return addWorkingDays(epochMs, d.amount, ctx.calendar, ctx.timeZone);
  if (d.unit === 'd') return addCalendarDays(epochMs, d.amount, ctx.timeZone);
  return epochMs + d.amount * MS[d.unit];
}
