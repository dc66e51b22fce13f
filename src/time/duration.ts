import { addWorkingDays, type WorkCalendar } from './calendar.js';

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

const MS: Record<Exclude<DurationUnit, 'wd'>, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface TimeContext {
  calendar: WorkCalendar;
  timeZone: string;
}

/** t + d. Calendar units are exact; working days follow the firm's calendar. */
export function addDuration(epochMs: number, d: Duration, ctx: TimeContext): number {
  if (d.unit === 'wd') return addWorkingDays(epochMs, d.amount, ctx.calendar, ctx.timeZone);
  return epochMs + d.amount * MS[d.unit];
}
