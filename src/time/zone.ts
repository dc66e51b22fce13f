// Wall-clock arithmetic in the firm's time zone, without a date library: Intl knows the zones.
import type { Lang } from '../playbook/vocabulary.js';

const partsCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

// Zones whose offset has not changed since 1992 need no Intl (which is slow to start up).
const FIXED_OFFSET: Record<string, number> = { 'Asia/Shanghai': 480, 'Asia/Hong_Kong': 480, UTC: 0, 'Etc/UTC': 0 };
const FIXED_SINCE = Date.UTC(1992, 0, 1);

export function toLocal(epochMs: number, timeZone: string): LocalDateTime {
  const fixed = FIXED_OFFSET[timeZone];
  if (fixed !== undefined && epochMs >= FIXED_SINCE) {
    const d = new Date(epochMs + fixed * 60000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      ms: d.getUTCMilliseconds(),
    };
  }
  const parts = formatter(timeZone).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    ms: ((epochMs % 1000) + 1000) % 1000,
  };
}

/** Offset of the zone from UTC at an instant, in minutes (Asia/Shanghai: 480). */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  const fixed = FIXED_OFFSET[timeZone];
  if (fixed !== undefined && epochMs >= FIXED_SINCE) return fixed;
  const l = toLocal(epochMs, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.ms);
  return Math.round((asUtc - epochMs) / 60000);
}

/** The instant at which the zone's wall clock shows the given local time. */
export function fromLocal(l: LocalDateTime, timeZone: string): number {
  const guess = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.ms);
  let t = guess - offsetMinutes(guess, timeZone) * 60000;
  // a second pass settles instants near an offset change
  t = guess - offsetMinutes(t, timeZone) * 60000;
  return t;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function localDate(l: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string {
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}`;
}

/** ISO 8601 with the zone's offset, e.g. 2026-03-16T09:35:00+08:00. */
export function formatInZone(epochMs: number, timeZone: string): string {
  const l = toLocal(epochMs, timeZone);
  const off = offsetMinutes(epochMs, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const ms = l.ms ? `.${pad(l.ms, 3)}` : '';
  return `${localDate(l)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}${ms}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Short human form in the zone: 2026-03-16 09:35. */
export function formatShort(epochMs: number, timeZone: string): string {
  const l = toLocal(epochMs, timeZone);
  return `${localDate(l)} ${pad(l.hour)}:${pad(l.minute)}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** For text clients read: 2026年11月27日 09:31 / 27 November 2026, 09:31 — never an ISO-like stamp. */
export function formatForPeople(epochMs: number, timeZone: string, lang: Lang): string {
  const l = toLocal(epochMs, timeZone);
  const clock = `${pad(l.hour)}:${pad(l.minute)}`;
  return lang === 'zh' ? `${l.year}年${l.month}月${l.day}日 ${clock}` : `${l.day} ${MONTHS[l.month - 1]} ${l.year}, ${clock}`;
}

/** Like formatShort, without the date when it is the same day as `now` in the zone: 09:35. */
export function formatClock(epochMs: number, timeZone: string, now: number): string {
  const l = toLocal(epochMs, timeZone);
  const today = localDate(toLocal(now, timeZone)) === localDate(l);
  return `${today ? '' : `${localDate(l)} `}${pad(l.hour)}:${pad(l.minute)}`;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 instant that names its offset; undefined when it is not one. */
export function parseInstant(text: string): number | undefined {
  if (!ISO.test(text)) return undefined;
  // Date.parse rolls 2026-02-30 over to 03-02: an impossible date is refused, not moved
  const [year, month, day, hour, minute, second] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text)!.slice(1).map((x) => Number(x ?? 0));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour! > 23 || minute! > 59 || (second ?? 0) > 59) return undefined;
  if (year! < 1970 || year! > 2199) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * A time a responder states about the world (SPEC §4.2): ISO 8601 with an offset, or `HH:MM`
 * (`H:MM`) for today in the firm's zone. Undefined when it is neither.
 */
export function parseStatedTime(text: string, now: number, timeZone: string): number | undefined {
  const trimmed = text.trim();
  const clock = /^(\d{1,2}):(\d{2})$/.exec(trimmed);
  if (clock) {
    const [hour, minute] = [Number(clock[1]), Number(clock[2])];
    if (hour > 23 || minute > 59) return undefined;
    const today = toLocal(now, timeZone);
    return fromLocal({ ...today, hour, minute, second: 0, ms: 0 }, timeZone);
  }
  return parseInstant(trimmed);
}
