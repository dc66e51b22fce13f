// Mentions → the figures a responder grades on (issue 18): row by row, in bounded memory, so an
// export of a million rows never has to be held. Pure: time comes in as the window.
import type { SignalsFigures } from '../engine/events.js';
import type { GradingConfig } from '../playbook/schema.js';
import { COUNT_FIELDS, SIGNAL_FIELDS, type ColumnPlan, type CountField, type SignalField } from './fields.js';
import { cellText, MentionClock, parseCount, parseSentiment, type Cell } from './values.js';

export const HOUR_MS = 3_600_000;
/** Bad rows shown with their line; all are counted. */
export const SHOWN_PROBLEMS = 20;

export type Trend = SignalsFigures['trend'];

/** How signals are read, from grading.yaml (`mainstream:`, `trend:`) or the defaults. */
export interface SignalsRules {
  mainstream: readonly string[];
  trendWindowMs: number;
  rising: number;
  falling: number;
}

// the same list as the bundled grading.yaml: for a firm's grading.yaml without one, and for
// incidents opened before grading.yaml had it
export const DEFAULT_MAINSTREAM: readonly string[] = [
  '人民日报', '新华社', '新华网', '人民网', '央视', '中央电视台', 'CCTV', 'CGTN', '中国新闻社', '中新社', '中国新闻网', '央广',
  '光明日报', '经济日报', '中国日报', '经济参考报', '中国证券报', '上海证券报', '证券时报', '证券日报', '第一财经', '财新',
  '21世纪经济报道', '每日经济新闻', '经济观察报', '界面新闻', '澎湃新闻', '财联社', '新京报', 'Xinhua', "People's Daily",
  'China Daily', 'Caixin', 'Yicai', 'Reuters', 'Bloomberg', 'Financial Times', 'Wall Street Journal',
];

export function signalsRules(grading: Pick<GradingConfig, 'mainstream' | 'trend'>): SignalsRules {
  const trend = grading.trend ?? { window: '3h', rising: 1.5, falling: 0.67 };
  const n = Number(trend.window.slice(0, -1));
  return {
    mainstream: grading.mainstream ?? DEFAULT_MAINSTREAM,
    trendWindowMs: trend.window.endsWith('h') ? n * HOUR_MS : n * 60_000,
    rising: trend.rising,
    falling: trend.falling,
  };
}

/** Why a row was not used; the edge turns it into a sentence. */
export type RowProblem =
  | { code: 'time.missing' }
  | { code: 'time.invalid'; value: string }
  | { code: 'count.invalid'; field: CountField; value: string }
  | { code: 'cells.extra'; cells: number; expected: number }
  | { code: 'csv.syntax'; detail: string }
  | { code: 'json.syntax' }
  | { code: 'json.notObject' };

/** The recorded figures, and the counts the trend was read from. */
export interface SignalsMetrics extends SignalsFigures {
  /** Mentions in the last trend window, and in the one before. */
  trendCounts: { last: number; before: number };
}

export interface SignalsSummary {
  /** Data rows read (the header excluded). */
  rows: number;
  /** Rows in the window, used for the figures. */
  used: number;
  ignored: number;
  /** The first bad rows, by line. */
  problems: { line: number; problem: RowProblem }[];
  reasons: Partial<Record<RowProblem['code'], number>>;
  outside: { before: number; after: number };
  window: { from: number; to: number };
  /** The fields the file has a column for. */
  fields: SignalField[];
  metrics: SignalsMetrics;
  platforms: { platform: string; mentions: number }[];
  /** Mentions per hour, from the first mention's hour to the window's end (empty hours are 0). */
  series: { hour: number; mentions: number }[];
  /** The same per platform, aligned with `series`, busiest platform first. */
  platformSeries: { platform: string; counts: number[] }[];
}

export interface TallyOptions {
  plan: ColumnPlan;
  /** The header's width: a row with more cells than it is misaligned. */
  columns: number;
  window: { from: number; to: number };
  timeZone: string;
  rules: SignalsRules;
}

const floorTenth = (n: number) => Math.floor(n * 10 + 1e-9) / 10;

/** Names found as part of a source or author, any case; each distinct text is looked up once. */
class MainstreamMatcher {
  // names with Latin letters are matched in any case; the others (Chinese) as written, which is faster
  private readonly latin: RegExp | null;
  private readonly other: RegExp | null;
  private readonly canonical = new Map<string, string>();
  private readonly seen = new Map<string, string | null>();
  readonly found = new Set<string>();

  constructor(names: readonly string[]) {
    for (const name of names) this.canonical.set(name.toLowerCase(), name);
    const pattern = (list: readonly string[], flags: string) => {
      const escaped = [...list].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      return escaped.length ? new RegExp(escaped.join('|'), flags) : null;
    };
    this.latin = pattern(names.filter((n) => /[a-z]/i.test(n)), 'i');
    this.other = pattern(names.filter((n) => !/[a-z]/i.test(n)), '');
  }

  check(text: string): void {
    if (text === '') return;
    let name = this.seen.get(text);
    if (name === undefined) {
      const m = this.other?.exec(text) ?? (this.latin && /[a-z]/i.test(text) ? this.latin.exec(text) : null);
      name = m ? (this.canonical.get(m[0].toLowerCase()) ?? m[0]) : null;
      // authors can be as many as the rows: remember only while the memory stays small
      if (this.seen.size < 50_000) this.seen.set(text, name);
    }
    if (name) this.found.add(name);
  }
}

export class MentionTally {
  private rows = 0;
  private used = 0;
  private ignored = 0;
  private readonly problems: { line: number; problem: RowProblem }[] = [];
  private readonly reasons: Partial<Record<RowProblem['code'], number>> = {};
  private before = 0;
  private after = 0;
  private readonly sums: Record<CountField, number> = { reposts: 0, comments: 0, likes: 0, views: 0 };
  private first = Infinity;
  private trendLast = 0;
  private trendBefore = 0;
  private negative = 0;
  private withSentiment = 0;
  /** platform → hour index → mentions */
  private readonly byPlatform = new Map<string, Map<number, number>>();
  private readonly clock: MentionClock;
  private readonly mainstream: MainstreamMatcher;
  private counts: [CountField, number][] = [];
  /** The row's counts, reused from row to row. */
  private readonly values: number[] = [0, 0, 0, 0];

  constructor(private options: TallyOptions) {
    this.clock = new MentionClock(options.timeZone);
    this.mainstream = new MainstreamMatcher(options.rules.mainstream);
    this.replan(options.plan, options.columns);
  }

  /** JSON lines name their columns line by line: a new key may bring a field in. */
  replan(plan: ColumnPlan, columns: number): void {
    this.options = { ...this.options, plan, columns };
    this.counts = COUNT_FIELDS.filter((f) => plan[f] !== undefined).map((f) => [f, plan[f]!]);
  }

  /** A row the reader could not even split (a broken quote, a line that is not JSON). */
  reject(line: number, problem: RowProblem): void {
    this.rows++;
    this.ignored++;
    this.reasons[problem.code] = (this.reasons[problem.code] ?? 0) + 1;
    if (this.problems.length < SHOWN_PROBLEMS) this.problems.push({ line, problem });
  }

  add(line: number, cells: readonly Cell[]): void {
    const { plan, window } = this.options;
    if (cells.length > this.options.columns) return this.reject(line, { code: 'cells.extra', cells: cells.length, expected: this.options.columns });
    const rawTime = plan.time === undefined ? undefined : cells[plan.time];
    if (rawTime === undefined || rawTime === null || rawTime === '') return this.reject(line, { code: 'time.missing' });
    const at = this.clock.parse(rawTime);
    if (at === undefined) return this.reject(line, { code: 'time.invalid', value: cellText(rawTime).slice(0, 40) });
    const values = this.values;
    for (let i = 0; i < this.counts.length; i++) {
      const [field, index] = this.counts[i]!;
      const n = parseCount(cells[index]);
      if (n === undefined) return this.reject(line, { code: 'count.invalid', field, value: cellText(cells[index]).slice(0, 40) });
      values[i] = n;
    }
    this.rows++;
    if (at < window.from) {
      this.before++;
      return;
    }
    if (at > window.to) {
      this.after++;
      return;
    }
    this.used++;
    for (let i = 0; i < this.counts.length; i++) this.sums[this.counts[i]![0]] += values[i]!;
    if (at < this.first) this.first = at;
    const { trendWindowMs } = this.options.rules;
    if (at > window.to - trendWindowMs) this.trendLast++;
    else if (at > window.to - 2 * trendWindowMs) this.trendBefore++;
    const platform = plan.platform === undefined ? '' : cellText(cells[plan.platform]);
    // the hour by UTC: for the firm's zones (whole-hour offsets) the same as its local hours
    const hour = Math.floor(at / HOUR_MS);
    let hours = this.byPlatform.get(platform);
    if (!hours) this.byPlatform.set(platform, (hours = new Map()));
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
    if (plan.sentiment !== undefined) {
      const sentiment = parseSentiment(cells[plan.sentiment]);
      if (sentiment) {
        this.withSentiment++;
        if (sentiment === 'negative') this.negative++;
      }
    }
    this.mainstream.check(platform);
    if (plan.author !== undefined) this.mainstream.check(cellText(cells[plan.author]));
  }

  result(): SignalsSummary {
    const { window, rules, plan } = this.options;
    const platforms = [...this.byPlatform]
      .map(([platform, hours]) => ({ platform, mentions: [...hours.values()].reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.mentions - a.mentions || (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0));
    const firstHour = this.used ? Math.floor(this.first / HOUR_MS) : Math.floor(window.to / HOUR_MS);
    const lastHour = Math.floor(window.to / HOUR_MS);
    const span = Math.max(0, lastHour - firstHour + 1);
    const platformSeries = platforms.map(({ platform }) => {
      const hours = this.byPlatform.get(platform)!;
      return { platform, counts: Array.from({ length: span }, (_, i) => hours.get(firstHour + i) ?? 0) };
    });
    const series = Array.from({ length: span }, (_, i) => ({
      hour: (firstHour + i) * HOUR_MS,
      mentions: platformSeries.reduce((sum, p) => sum + p.counts[i]!, 0),
    }));
    const { trendLast: last, trendBefore: before } = this;
    const ratio = before === 0 ? (last > 0 ? Infinity : 0) : last / before;
    const trend: Trend = ratio >= rules.rising ? 'rising' : ratio <= rules.falling ? 'falling' : 'stable';
    return {
      rows: this.rows,
      used: this.used,
      ignored: this.ignored,
      problems: this.problems,
      reasons: this.reasons,
      outside: { before: this.before, after: this.after },
      window,
      fields: SIGNAL_FIELDS.filter((f) => plan[f] !== undefined),
      metrics: {
        mentions: this.used,
        ...this.sums,
        platforms: platforms.filter((p) => p.platform !== '').length,
        hours: this.used ? floorTenth((window.to - this.first) / HOUR_MS) : 0,
        trend,
        trendCounts: { last, before },
        negativeShare: this.withSentiment ? Math.round((this.negative / this.withSentiment) * 10_000) / 10_000 : null,
        mainstream: [...this.mainstream.found],
      },
      platforms,
      series,
      platformSeries,
    };
  }
}

/**
 * The grading change an import stands for: the metrics of SPEC §3 it measured. A count whose
 * column the file lacks is not a measurement of 0; a trend a person judged `secondary` stays.
 */
export function gradingChange(
  summary: SignalsSummary,
  current: Record<string, number | string>,
  grading: Pick<GradingConfig, 'metrics'>,
): Record<string, number | string> {
  const m = summary.metrics;
  const change: Record<string, number | string> = { hours: m.hours };
  if (summary.fields.includes('reposts')) change.reposts = m.reposts;
  if (summary.fields.includes('views')) change.views = m.views;
  if (current.trend !== 'secondary') change.trend = m.trend;
  // only what the incident's grading knows (a firm may have dropped a metric)
  return Object.fromEntries(Object.entries(change).filter(([name]) => name in grading.metrics));
}
