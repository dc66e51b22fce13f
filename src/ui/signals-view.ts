// `signals import` for people: what was read, a sparkline row per platform of mentions per hour,
// the figures, and the grading before → after (the `grade` table). Fits 80 columns.
import type { GradingResult } from '../grading/grade.js';
import type { SignalsImportedPayload } from '../engine/events.js';
import type { GradingConfig } from '../playbook/schema.js';
import type { SignalsSummary } from '../signals/tally.js';
import { formatShort } from '../time/zone.js';
import { renderGrading } from './grading-view.js';
import { displayWidth, padEnd } from './table.js';
import type { MessageKey } from '../errors.js';
import type { Messages } from '../i18n/messages.js';

const WIDTH = 80;
const LABEL = 14;
const SHOWN_PLATFORMS = 8;
const BARS = '▁▂▃▄▅▆▇█';

/** One mark per value: · for none, then eight heights scaled to `max`. */
export function sparkline(values: readonly number[], max: number): string {
  return values.map((v) => (v <= 0 || max <= 0 ? '·' : BARS[Math.min(7, Math.ceil((v / max) * 8) - 1)]!)).join('');
}

/** Sums of `size` consecutive values: the hours a mark stands for when they do not fit the width. */
export function bucket(values: readonly number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size).reduce((a, b) => a + b, 0));
  return out;
}

function label(text: string): string {
  let out = '';
  for (const ch of text) {
    if (displayWidth(out + ch) > LABEL - 1) return `${out}…`;
    out += ch;
  }
  return out;
}

// 138 000: a space between thousands reads the same in both languages (and needs no Intl)
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

export function reasonText(m: Messages, problem: { code: string; field?: string; value?: string }): string {
  const { t } = m;
  return t(`signals.reason.${problem.code}` as MessageKey, { field: problem.field ?? '', value: problem.value ?? '' });
}

function chart(m: Messages, summary: SignalsSummary, timeZone: string): string[] {
  const { t } = m;
  const room = WIDTH - 2 - LABEL - 1 - 1 - 8;
  const hours = summary.series.length;
  const size = Math.max(1, Math.ceil(hours / room));
  const rows = summary.platformSeries.slice(0, SHOWN_PLATFORMS).map((p) => ({ name: p.platform || t('signals.noPlatform'), counts: p.counts }));
  const rest = summary.platformSeries.slice(SHOWN_PLATFORMS);
  if (rest.length) {
    rows.push({ name: t('signals.otherPlatforms', { n: rest.length }), counts: summary.series.map((_, i) => rest.reduce((sum, p) => sum + p.counts[i]!, 0)) });
  }
  const all = { name: t('signals.allPlatforms'), counts: summary.series.map((s) => s.mentions) };
  const buckets = [all, ...rows].map((r) => ({ ...r, marks: bucket(r.counts, size), total: r.counts.reduce((a, b) => a + b, 0) }));
  const max = Math.max(0, ...buckets.slice(1).flatMap((r) => r.marks));
  const first = summary.series[0]?.hour;
  const last = summary.series[summary.series.length - 1]?.hour;
  const lines = [
    t('signals.chartTitle', {
      from: first === undefined ? '—' : formatShort(first, timeZone),
      to: last === undefined ? '—' : formatShort(last, timeZone),
      size,
    }),
  ];
  buckets.forEach((r, i) => {
    // the all-platforms row has its own scale, or it would flatten every other row
    const line = sparkline(r.marks, i === 0 ? Math.max(...r.marks) : max);
    lines.push(`  ${padEnd(label(r.name), LABEL)} ${line} ${thousands(r.total).padStart(8)}`);
  });
  return lines;
}

export interface SignalsView {
  payload: SignalsImportedPayload;
  summary: SignalsSummary;
  timeZone: string;
  grading: GradingConfig;
  before: GradingResult;
  after: GradingResult;
  /** Recorded or not; null in the walk, which asks next. */
  recorded: boolean | null;
  color: boolean;
}

export function renderSignals(said: Messages, v: SignalsView): string {
  const { t } = said;
  const p = v.payload;
  const m = p.metrics;
  const encoding = p.encoding ? t(`signals.encoding.${p.encoding}` as MessageKey) : '';
  const lines = [
    t('signals.file', { file: p.file, format: p.format.toUpperCase(), encoding: encoding ? `, ${encoding}` : '', sha: p.sha256.slice(0, 16) }),
    t('signals.rows', { rows: thousands(p.rows), used: thousands(p.used), ignored: thousands(p.ignored), before: p.outside.before, after: p.outside.after }),
    t('signals.window', { from: formatShort(v.summary.window.from, v.timeZone), to: formatShort(v.summary.window.to, v.timeZone) }),
  ];
  if (p.ignored) {
    const reasons = Object.entries(p.reasons).map(([code, n]) => `${t(`signals.kind.${code}` as MessageKey)} × ${n}`);
    lines.push('', t('signals.ignoredHead', { shown: p.problems.length, total: p.ignored }), `  ${reasons.join('; ')}`);
    for (const problem of p.problems) lines.push(`  ${t('signals.line', { line: problem.line })}: ${reasonText(said, problem)}`);
  }
  lines.push('', ...chart(said, v.summary, v.timeZone), '');
  const has = (field: 'reposts' | 'views') => v.summary.fields.includes(field);
  const figure = (key: MessageKey, value: string) => `  ${padEnd(t(key), 22)} ${value}`;
  const { last, before } = v.summary.metrics.trendCounts;
  lines.push(
    t('signals.metricsHead'),
    figure('signals.m.mentions', thousands(m.mentions)),
    figure('signals.m.reposts', has('reposts') ? thousands(m.reposts) : t('signals.noColumn')),
    figure('signals.m.views', has('views') ? thousands(m.views) : t('signals.noColumn')),
    figure('signals.m.platforms', String(m.platforms)),
    figure('signals.m.mainstream', m.mainstream.length ? m.mainstream.join(', ') : t('grade.none')),
    figure('signals.m.hours', String(m.hours)),
    figure('signals.m.trend', t('signals.trendValue', { trend: t(`value.${m.trend}`), last, before })),
    figure('signals.m.negative', m.negativeShare === null ? t('signals.noSentiment') : `${(m.negativeShare * 100).toFixed(1)} %`),
    '',
    t('signals.gradingHead', {
      before: t(`tier.${v.before.tier}`),
      after: t(`tier.${v.after.tier}`),
      scoreBefore: v.before.score,
      scoreAfter: v.after.score,
    }),
    renderGrading(said, v.after, v.grading, v.color, { width: WIDTH, wrap: [0, 2] }),
  );
  if (v.recorded !== null) lines.push('', v.recorded ? t('signals.recorded') : Object.keys(p.applied).length ? t('signals.dryRun') : t('signals.nothingToApply'));
  return lines.join('\n');
}
