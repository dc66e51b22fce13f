// Durations, working days on the Chinese calendar (holidays and 调休 make-up workdays), zones (SPEC §4).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { loadCalendar } from '../../src/playbook/library.js';
import { addWorkingDays, isWorkingDay, type WorkCalendar } from '../../src/time/calendar.js';
import { addDuration, parseDuration } from '../../src/time/duration.js';
import { formatClock, formatForPeople, formatInZone, formatShort, fromLocal, isValidTimeZone, parseInstant, parseStatedTime, toLocal } from '../../src/time/zone.js';
import { PLAYBOOKS, tempDir } from '../helpers.js';

const SH = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);
const calendar = loadCalendar(PLAYBOOKS);
const plus = (iso: string, duration: string, cal: WorkCalendar = calendar, timeZone = SH) =>
  formatInZone(addDuration(at(iso), parseDuration(duration)!, { calendar: cal, timeZone }), timeZone);

describe('parseDuration', () => {
  it.each([
    ['30m', { amount: 30, unit: 'm' }],
    ['2h', { amount: 2, unit: 'h' }],
    ['1d', { amount: 1, unit: 'd' }],
    ['5wd', { amount: 5, unit: 'wd' }],
    [' 15m ', { amount: 15, unit: 'm' }],
    ['0m', { amount: 0, unit: 'm' }],
  ])('%s → %j', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each(['', '2', 'h', '1.5h', '-1h', '2 h', '1w', '3s', '15 minutes', '1234567m'])('"%s" is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('addDuration: calendar units are exact', () => {
  it.each([
    ['2026-11-27T09:00:00+08:00', '30m', '2026-11-27T09:30:00+08:00'],
    ['2026-11-27T23:30:00+08:00', '1h', '2026-11-28T00:30:00+08:00'],
    ['2026-11-27T09:00:00+08:00', '1d', '2026-11-28T09:00:00+08:00'],
    // calendar days ignore holidays: 1d from the eve of National Day is 1 October
    ['2026-09-30T10:00:00+08:00', '1d', '2026-10-01T10:00:00+08:00'],
    ['2026-11-27T09:00:00+08:00', '0m', '2026-11-27T09:00:00+08:00'],
  ])('%s + %s → %s', (start, duration, expected) => {
    expect(plus(start, duration)).toBe(expected);
  });
});

describe('working days (wd) on the chinese-days calendar', () => {
  it('knows the 2026 National Day holiday and its make-up Saturday', () => {
    expect(['2026-10-01', '2026-10-07'].map((d) => isWorkingDay(d, calendar))).toEqual([false, false]);
    expect(isWorkingDay('2026-10-08', calendar)).toBe(true); // Thursday after the holiday
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true); // Saturday, 调休
    expect(isWorkingDay('2026-10-11', calendar)).toBe(false); // an ordinary Sunday
  });

  it.each([
    // Wed 30 Sep; 1–7 Oct are holidays, so the next working days are Thu 8, Fri 9, Sat 10 (调休), Mon 12
    ['2026-09-30T10:00:00+08:00', '1wd', '2026-10-08T10:00:00+08:00'],
    ['2026-09-30T10:00:00+08:00', '2wd', '2026-10-09T10:00:00+08:00'],
    ['2026-09-30T10:00:00+08:00', '3wd', '2026-10-10T10:00:00+08:00'],
    ['2026-09-30T10:00:00+08:00', '4wd', '2026-10-12T10:00:00+08:00'],
    // a day inside the holiday counts from its own date
    ['2026-10-03T15:00:00+08:00', '1wd', '2026-10-08T15:00:00+08:00'],
    // an ordinary weekend: Friday + 1wd → Monday, Saturday + 1wd → Monday
    ['2026-11-27T17:45:00+08:00', '1wd', '2026-11-30T17:45:00+08:00'],
    ['2026-11-28T09:00:00+08:00', '1wd', '2026-11-30T09:00:00+08:00'],
    ['2026-11-27T09:00:00+08:00', '5wd', '2026-12-04T09:00:00+08:00'],
    // Spring Festival 2026: Sat 14 Feb is a make-up workday, 15–23 Feb are holidays, Sat 28 Feb works
    ['2026-02-13T10:00:00+08:00', '1wd', '2026-02-14T10:00:00+08:00'],
    ['2026-02-14T10:00:00+08:00', '1wd', '2026-02-24T10:00:00+08:00'],
    ['2026-02-27T10:00:00+08:00', '1wd', '2026-02-28T10:00:00+08:00'],
    ['2026-11-27T09:00:00+08:00', '0wd', '2026-11-27T09:00:00+08:00'],
  ])('%s + %s → %s', (start, duration, expected) => {
    expect(plus(start, duration)).toBe(expected);
  });

  it("dates are taken in the firm's time zone, not UTC", () => {
    // 01:00 Saturday in Shanghai is still Friday 17:00 in UTC
    const start = '2026-11-28T01:00:00+08:00';
    expect(plus(start, '1wd', calendar, SH)).toBe('2026-11-30T01:00:00+08:00');
    expect(plus(start, '1wd', calendar, 'UTC')).toBe('2026-11-30T17:00:00+00:00');
  });

  it('keeps the local time of day across a daylight-saving change', () => {
    const empty: WorkCalendar = { holidays: new Set(), workdays: new Set() };
    // Friday 6 March 2026, New York; clocks go forward on Sunday 8 March
    expect(plus('2026-03-06T10:00:00-05:00', '1wd', empty, 'America/New_York')).toBe('2026-03-09T10:00:00-04:00');
  });

  it('a calendar with no working days at all does not loop forever', () => {
    const never: WorkCalendar = { holidays: new Set(), workdays: new Set() };
    const allHolidays = { ...never, holidays: { has: () => true } as unknown as ReadonlySet<string> };
    expect(Number.isFinite(addWorkingDays(at('2026-11-27T09:00:00+08:00'), 1, allHolidays, SH))).toBe(true);
  });
});

describe("the firm's own calendar.yaml overrides", () => {
  function firmCalendar(yaml: string): WorkCalendar {
    const dir = join(tempDir(), 'playbooks');
    mkdirSync(dir);
    writeFileSync(join(dir, 'calendar.yaml'), yaml);
    return loadCalendar(dir);
  }

  it('an extra holiday is skipped', () => {
    const cal = firmCalendar('holidays: [2026-11-30]\n');
    expect(plus('2026-11-27T09:00:00+08:00', '1wd', cal)).toBe('2026-12-01T09:00:00+08:00');
  });

  it('an extra workday counts, even on a weekend', () => {
    const cal = firmCalendar('workdays: [2026-11-28]\n');
    expect(plus('2026-11-27T09:00:00+08:00', '1wd', cal)).toBe('2026-11-28T09:00:00+08:00');
  });

  it("the firm's word beats the public calendar both ways", () => {
    const cal = firmCalendar('workdays: [2026-10-02]\nholidays: [2026-10-10]\n');
    expect(plus('2026-09-30T10:00:00+08:00', '1wd', cal)).toBe('2026-10-02T10:00:00+08:00');
    expect(isWorkingDay('2026-10-10', cal)).toBe(false);
  });

  it('an invalid calendar.yaml is an input error with its position', () => {
    try {
      firmCalendar('holidays: [2026-13-45x]\n');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      const [problem] = (error as InputError).problems;
      expect(problem).toMatchObject({ line: 1, col: 12 });
      expect(messages('en').say(problem!.message)).toContain('a date YYYY-MM-DD');
    }
  });
});

describe('zones: formatInZone, parseInstant, toLocal/fromLocal', () => {
  it.each([
    [Date.UTC(2026, 8, 30, 2, 0, 0), SH, '2026-09-30T10:00:00+08:00'],
    [Date.UTC(2026, 8, 30, 2, 0, 0, 250), SH, '2026-09-30T10:00:00.250+08:00'],
    [Date.UTC(2026, 0, 15, 12, 0, 0), 'America/New_York', '2026-01-15T07:00:00-05:00'],
    [Date.UTC(2026, 6, 15, 12, 0, 0), 'America/New_York', '2026-07-15T08:00:00-04:00'],
    [Date.UTC(2026, 6, 15, 12, 0, 0), 'Asia/Kolkata', '2026-07-15T17:30:00+05:30'],
    [Date.UTC(2026, 6, 15, 12, 0, 0), 'UTC', '2026-07-15T12:00:00+00:00'],
  ])('%d in %s → %s, and back', (epoch, zone, text) => {
    expect(formatInZone(epoch, zone)).toBe(text);
    expect(parseInstant(text)).toBe(epoch);
  });

  it('parseInstant accepts Z and offsets, and nothing without an offset', () => {
    expect(parseInstant('2026-09-30T02:00:00Z')).toBe(Date.UTC(2026, 8, 30, 2));
    expect(parseInstant('2026-09-30T10:00+08:00')).toBe(Date.UTC(2026, 8, 30, 2));
    for (const bad of ['2026-09-30', '2026-09-30T10:00:00', 'yesterday', '2026-09-30 10:00:00+08:00', '']) {
      expect(parseInstant(bad)).toBeUndefined();
    }
  });

  it('toLocal and fromLocal are inverse', () => {
    const epoch = Date.UTC(2026, 9, 9, 16, 30, 15, 5);
    const local = toLocal(epoch, SH);
    expect(local).toEqual({ year: 2026, month: 10, day: 10, hour: 0, minute: 30, second: 15, ms: 5 });
    expect(fromLocal(local, SH)).toBe(epoch);
    expect(formatShort(epoch, SH)).toBe('2026-10-10 00:30');
  });

  it('formatForPeople writes dates as people do, for statements clients read', () => {
    const epoch = Date.UTC(2026, 10, 27, 1, 31); // 09:31 in Shanghai
    expect(formatForPeople(epoch, SH, 'zh')).toBe('2026年11月27日 09:31');
    expect(formatForPeople(epoch, SH, 'en')).toBe('27 November 2026, 09:31');
  });

  it('formatClock leaves the date out only when it is the same day in the zone', () => {
    const epoch = Date.UTC(2026, 9, 9, 16, 30); // 2026-10-10 00:30 in Shanghai, still the 9th in UTC
    expect(formatClock(epoch, SH, epoch + 23 * 3600_000)).toBe('00:30');
    expect(formatClock(epoch, SH, epoch - 31 * 60_000)).toBe('2026-10-10 00:30'); // 23:59 the day before
    expect(formatClock(epoch, SH, epoch + 24 * 3600_000)).toBe('2026-10-10 00:30');
  });

  it('knows which time zones exist', () => {
    expect(isValidTimeZone(SH)).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('the Intl-free path for zones with a fixed offset', () => {
  const intl = (epoch: number, timeZone: string) =>
    new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .format(new Date(epoch))
      .replace(' ', 'T');

  it.each(['Asia/Shanghai', 'Asia/Hong_Kong', 'UTC'])('agrees with Intl in %s across 2024–2030', (zone) => {
    for (let epoch = Date.UTC(2024, 0, 1); epoch < Date.UTC(2030, 0, 1); epoch += 7 * 86_400_000 + 3_600_000 + 61_000) {
      expect(formatInZone(epoch, zone).slice(0, 19)).toBe(intl(epoch, zone));
    }
  });

  it('falls back to Intl before 1992, when China still had daylight saving time', () => {
    expect(formatInZone(Date.UTC(1988, 6, 1, 0, 0), SH)).toBe('1988-07-01T09:00:00+09:00');
  });
});

describe('parseStatedTime (SPEC §4.2: --started-at, --discovered-at, recover --at)', () => {
  const now = Date.parse('2026-11-28T10:15:00+08:00');
  it.each([
    ['09:31', '2026-11-28T09:31:00+08:00'],
    ['9:05', '2026-11-28T09:05:00+08:00'],
    ['2026-11-27T23:10+08:00', '2026-11-27T23:10:00+08:00'],
    ['2026-11-28T01:10:00Z', '2026-11-28T09:10:00+08:00'],
  ])('%s is %s', (text, expected) => {
    expect(parseStatedTime(text, now, 'Asia/Shanghai')).toBe(Date.parse(expected));
  });

  it.each(['24:00', '09:60', '0931', 'yesterday', '2026-11-28T09:31', ''])('%j is not a time', (text) => {
    expect(parseStatedTime(text, now, 'Asia/Shanghai')).toBeUndefined();
  });
});
