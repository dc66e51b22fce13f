// One cell of an export read as what it says: a time, a count, a sentiment. Pure.
import { fromLocal } from '../time/zone.js';

/** A cell as a reader hands it on: text (CSV), a JSON value, or an XLSX number or date. */
export type Cell = string | number | boolean | Date | null | undefined;

const DATE_TIME =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:(?:[ T]+|日)(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.(\d{1,3})\d*)?秒?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const PLAIN_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/**
 * Local wall times → instants in one zone. The instant of each local hour is computed once (a
 * zone with daylight saving needs Intl, which is slow per row); minutes and seconds are added.
 */
export class MentionClock {
  private readonly hours = new Map<number, number>();
  constructor(readonly timeZone: string) {}

  local(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
    const key = ((year * 100 + month) * 100 + day) * 100 + hour;
    let start = this.hours.get(key);
    if (start === undefined) {
      start = fromLocal({ year, month, day, hour, minute: 0, second: 0, ms: 0 }, this.timeZone);
      this.hours.set(key, start);
    }
    return start + minute * 60_000 + second * 1000 + ms;
  }

  /** `YYYY-MM-DD HH:MM:SS`, what nearly every export writes, read without a regular expression. */
  private plain(s: string): number | undefined {
    if (s.length !== 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
    for (const i of PLAIN_DIGITS) if (s.charCodeAt(i) < 48 || s.charCodeAt(i) > 57) return undefined;
    const year = two(s, 0) * 100 + two(s, 2);
    const month = two(s, 5);
    const day = two(s, 8);
    const hour = two(s, 11);
    const minute = two(s, 14);
    const second = two(s, 17);
    if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! || hour > 23 || minute > 59 || second > 59) return undefined;
    if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return undefined;
    return this.local(year, month, day, hour, minute, second, 0);
  }

  /**
   * When a mention was published; undefined when the cell is not a time. Text without an offset
   * is the firm's wall clock; epoch seconds or milliseconds are instants; an XLSX date carries
   * the wall clock in its UTC fields (a spreadsheet has no zone).
   */
  parse(cell: Cell): number | undefined {
    if (cell instanceof Date) {
      const ms = cell.getTime();
      if (Number.isNaN(ms)) return undefined;
      return this.local(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate(), cell.getUTCHours(), cell.getUTCMinutes(), cell.getUTCSeconds(), cell.getUTCMilliseconds());
    }
    if (typeof cell === 'number') return epoch(cell);
    if (typeof cell !== 'string') return undefined;
    const fast = this.plain(cell);
    if (fast !== undefined) return fast;
    const text = cell.trim();
    if (/^\d{10}(\d{3})?$/.test(text)) return epoch(Number(text));
    const m = DATE_TIME.exec(text);
    if (!m) return undefined;
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const hour = m[4] === undefined ? 0 : Number(m[4]);
    const minute = m[5] === undefined ? 0 : Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
    if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! || hour > 23 || minute > 59 || second > 59) return undefined;
    if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return undefined;
    if (m[8] === undefined) return this.local(year, month, day, hour, minute, second, ms);
    const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    if (/^z$/i.test(m[8])) return utc;
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/** Epoch seconds (10 digits) or milliseconds (13 digits); other numbers are not times. */
function epoch(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n >= 1e12 && n < 1e13) return Math.round(n);
  if (n >= 1e9 && n < 1e10) return Math.round(n * 1000);
  return undefined;
}

const EMPTY = /^(?:|-|—|–|n\/?a|null|none|无)$/i;
const SCALE: Record<string, number> = { 万: 1e4, w: 1e4, 亿: 1e8, k: 1e3, m: 1e6 };

/**
 * A count (reposts, views…): a whole number, possibly written 1,234 or 1.5万 / 2亿 / 3.2k;
 * an empty cell is 0 (exports leave counts they do not have blank). Undefined when it is not a count.
 */
export function parseCount(cell: Cell): number | undefined {
  if (cell === null || cell === undefined) return 0;
  if (typeof cell === 'number') return Number.isFinite(cell) && cell >= 0 ? Math.round(cell) : undefined;
  if (typeof cell !== 'string') return undefined;
  const plain = digits(cell);
  if (plain >= 0) return plain;
  const text = cell.trim().replace(/[,，_\s]/g, '');
  if (EMPTY.test(text)) return 0;
  const m = /^(\d+(?:\.\d+)?)(万|亿|w|k|m)?\+?$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] ? SCALE[m[2].toLowerCase()]! : 1);
  return Number.isFinite(n) ? Math.round(n) : undefined;
}

/** A cell of 1 to 15 ASCII digits as its value, else -1: most counts, read without a regular expression. */
function digits(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

export type Sentiment = 'negative' | 'neutral' | 'positive';

const SENTIMENTS: Record<string, Sentiment> = {
  负面: 'negative', 负: 'negative', 消极: 'negative', 敏感: 'negative', negative: 'negative', neg: 'negative', '-1': 'negative',
  中性: 'neutral', 中立: 'neutral', 非敏感: 'neutral', neutral: 'neutral', neu: 'neutral', '0': 'neutral',
  正面: 'positive', 正: 'positive', 积极: 'positive', positive: 'positive', pos: 'positive', '1': 'positive',
};

/** A sentiment as monitoring platforms label it (负面/中性/正面, 敏感/非敏感, negative…, -1/0/1); undefined if none or unknown. */
export function parseSentiment(cell: Cell): Sentiment | undefined {
  if (cell === null || cell === undefined || cell instanceof Date) return undefined;
  if (typeof cell === 'string' && Object.hasOwn(SENTIMENTS, cell)) return SENTIMENTS[cell];
  const key = String(cell).trim().toLowerCase();
  return Object.hasOwn(SENTIMENTS, key) ? SENTIMENTS[key] : undefined;
}

/** A text cell as text: trimmed; a number as written; empty when absent. */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
}
