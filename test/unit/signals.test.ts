// The pure core of signals import (issue 18): headers, cells, and the figures over a window,
// each against numbers worked out by hand.
import { describe, expect, it } from 'vitest';
import { normaliseHeader, parseColumnMaps, planColumns, presetField } from '../../src/signals/fields.js';
import { importedPayload } from '../../src/signals/payload.js';
import { DEFAULT_MAINSTREAM, gradingChange, MentionTally, signalsRules, type SignalsRules } from '../../src/signals/tally.js';
import { MentionClock, parseCount, parseSentiment } from '../../src/signals/values.js';
import { bucket, sparkline } from '../../src/ui/signals-view.js';
import { parseInstant } from '../../src/time/zone.js';
import { closeIncident, importSignals } from '../../src/engine/decide.js';
import { signalsReason } from '../../src/report/signals.js';
import { GRADING, Harness, HOUR, inputs, MIN, playbook, refusal, T0 } from '../support/engine.js';

const at = (local: string) => parseInstant(`${local}+08:00`)!;
const RULES: SignalsRules = { mainstream: ['人民日报', '财新', 'Reuters'], trendWindowMs: 3 * 3_600_000, rising: 1.5, falling: 0.67 };
const HEADER = ['发布时间', '来源', '作者', '转发数', '阅读数', '情感倾向'];

function tally(rows: (string | number)[][], window = { from: at('2026-03-16T09:00:00'), to: at('2026-03-16T15:00:00') }, rules = RULES) {
  const { plan } = planColumns(HEADER, []);
  const t = new MentionTally({ plan, columns: HEADER.length, window, timeZone: 'Asia/Shanghai', rules });
  rows.forEach((r, i) => t.add(i + 2, r));
  return t.result();
}

describe('headers and --map', () => {
  it.each([
    ['发布时间', 'time'],
    ['时间', 'time'],
    ['来源', 'platform'],
    ['平台', 'platform'],
    ['媒体', 'platform'],
    ['标题', 'title'],
    ['链接', 'url'],
    ['URL', 'url'],
    ['作者', 'author'],
    ['转发数', 'reposts'],
    ['评论数', 'comments'],
    ['点赞数', 'likes'],
    ['阅读数', 'views'],
    ['浏览量', 'views'],
    ['情感倾向', 'sentiment'],
    ['Published At', 'time'],
    ['published_at', 'time'],
    ['Source', 'platform'],
    ['Shares', 'reposts'],
    ['View Count', 'views'],
    ['转发数（次）', 'reposts'],
    ['\ufeff发布时间', 'time'],
  ])('reads the header %s as %s', (header, field) => {
    expect(presetField(header)).toBe(field);
  });

  it('leaves headers it does not know alone', () => {
    expect(presetField('备注')).toBeUndefined();
    expect(normaliseHeader(' Published_At ')).toBe('publishedat');
  });

  it('lets --map name a column the presets do not know, and win over a preset', () => {
    const { maps, problems } = parseColumnMaps(['发文渠道=platform', '时间=time']);
    expect(problems).toEqual([]);
    const { plan, unknownColumns } = planColumns(['发布时间', '时间', '发文渠道', '来源'], maps);
    expect(unknownColumns).toEqual([]);
    expect(plan).toEqual({ time: 1, platform: 2 });
  });

  it('reports a --map column the file does not have, and a field that does not exist', () => {
    expect(planColumns(['发布时间'], [{ column: '渠道', field: 'platform' }]).unknownColumns).toEqual(['渠道']);
    expect(parseColumnMaps(['渠道=channel', 'nonsense']).problems).toEqual([
      { code: 'map.field', field: 'channel', value: '渠道=channel' },
      { code: 'map.syntax', value: 'nonsense' },
    ]);
  });
});

describe('cells', () => {
  const clock = new MentionClock('Asia/Shanghai');
  it.each([
    ['2026-03-16 09:40:00', '2026-03-16T09:40:00'],
    ['2026-03-16 09:40', '2026-03-16T09:40:00'],
    ['2026/3/16 9:40', '2026-03-16T09:40:00'],
    ['2026年3月16日 09:40', '2026-03-16T09:40:00'],
    ['2026-03-16T01:40:00Z', '2026-03-16T09:40:00'],
    ['2026-03-16T09:40:00+08:00', '2026-03-16T09:40:00'],
    ['2026-03-16T02:40:00+0100', '2026-03-16T09:40:00'],
    ['2026-03-16', '2026-03-16T00:00:00'],
  ])('reads the time %s in the firm’s zone', (text, local) => {
    expect(clock.parse(text)).toBe(at(local));
  });

  it('reads epoch seconds and milliseconds, and an XLSX date’s wall clock', () => {
    expect(clock.parse(at('2026-03-16T09:40:00'))).toBe(at('2026-03-16T09:40:00'));
    expect(clock.parse(String(at('2026-03-16T09:40:00') / 1000))).toBe(at('2026-03-16T09:40:00'));
    expect(clock.parse(new Date(Date.UTC(2026, 2, 16, 9, 40)))).toBe(at('2026-03-16T09:40:00'));
  });

  it.each(['昨天下午', '2026-02-30 10:00', '2025-02-29', '2026-13-01', '2026-03-16 24:00', '12345', ''])('refuses %s as a time', (text) => {
    expect(clock.parse(text)).toBeUndefined();
  });

  it.each([
    ['1200', 1200],
    ['1,234', 1234],
    ['1.5万', 15000],
    ['2亿', 200_000_000],
    ['3.2k', 3200],
    ['', 0],
    ['-', 0],
    [' 42 ', 42],
  ])('reads the count %s as %d', (text, n) => {
    expect(parseCount(text)).toBe(n);
  });

  it.each(['很多', '-5', '1.2.3', 'abc'])('refuses %s as a count', (text) => {
    expect(parseCount(text)).toBeUndefined();
  });

  it('reads sentiments as monitoring platforms label them', () => {
    expect(['负面', '敏感', 'Negative', '-1', '正面', 'positive', '中性', '非敏感', '', '未知', 'constructor'].map(parseSentiment)).toEqual([
      'negative', 'negative', 'negative', 'negative', 'positive', 'positive', 'neutral', 'neutral', undefined, undefined, undefined,
    ]);
  });
});

describe('the figures over a window', () => {
  // 09:00–15:00; the trend compares (12:00, 15:00] with (09:00, 12:00]
  const rows = [
    ['2026-03-16 09:40:00', '微博', '股民甲', '1200', '20000', '负面'],
    ['2026-03-16 10:15:00', '微博', '股民乙', '300', '8000', '负面'],
    ['2026-03-16 10:50:00', '雪球', '球友丙', '20', '1500', '中性'],
    ['2026-03-16 12:05:00', '微博', '财新网', '2500', '5万', '中性'],
    ['2026-03-16 12:40:00', '今日头条', 'X', '800', '30000', ''],
    ['2026-03-16 14:50:00', '路透 Reuters', 'Y', '25', '1300', '正面'],
    ['2026-03-16 08:30:00', '微博', '人民日报', '10', '500', '负面'], // before the window
    ['2026-03-16 15:30:00', '微博', 'Z', '100', '900', '中性'], // after it
  ];

  it('sums reposts and views, counts platforms and mainstream media, hours, trend and negative share', () => {
    const s = tally(rows);
    expect(s.rows).toBe(8);
    expect(s.used).toBe(6);
    expect(s.outside).toEqual({ before: 1, after: 1 });
    expect(s.metrics).toMatchObject({
      mentions: 6,
      reposts: 1200 + 300 + 20 + 2500 + 800 + 25, // 4845
      views: 20000 + 8000 + 1500 + 50000 + 30000 + 1300, // 110800
      platforms: 4,
      // 09:40 → 15:00 is 5 h 20 min
      hours: 5.3,
      // 3 in (12:00, 15:00], 3 in (09:00, 12:00]: ratio 1, between 0.67 and 1.5
      trend: 'stable',
      trendCounts: { last: 3, before: 3 },
      // 2 negative of the 5 that carry a sentiment (人民日报's is outside the window)
      negativeShare: 0.4,
      mainstream: ['财新', 'Reuters'],
    });
  });

  it('draws mentions per hour from the first mention’s hour to the end of the window, per platform', () => {
    const s = tally(rows);
    expect(s.series.map((x) => x.mentions)).toEqual([1, 2, 0, 2, 0, 1, 0]);
    expect(s.series[0]!.hour).toBe(at('2026-03-16T09:00:00'));
    expect(s.series[6]!.hour).toBe(at('2026-03-16T15:00:00'));
    expect(s.platformSeries[0]).toEqual({ platform: '微博', counts: [1, 1, 0, 1, 0, 0, 0] });
    expect(s.platforms.map((p) => [p.platform, p.mentions])).toEqual([['微博', 3], ['今日头条', 1], ['路透 Reuters', 1], ['雪球', 1]]);
  });

  it.each([
    // last window : window before → trend (thresholds 1.5 and 0.67)
    [6, 4, 'rising'],
    [5, 4, 'stable'],
    [2, 3, 'falling'],
    [3, 3, 'stable'],
    [1, 0, 'rising'],
  ])('reads %d mentions against %d before as %s', (last, before, trend) => {
    const early = Array.from({ length: before }, () => ['2026-03-16 10:00:00', 'a', '', '0', '0', '']);
    const late = Array.from({ length: last }, () => ['2026-03-16 13:00:00', 'a', '', '0', '0', '']);
    expect(tally([...early, ...late]).metrics.trend).toBe(trend);
  });

  it('never derives a secondary trend, and a window with nothing in the last hours is falling', () => {
    const s = tally([['2026-03-16 09:10:00', 'a', '', '1', '1', '']]);
    expect(s.metrics.trend).toBe('falling');
    expect(s.metrics.hours).toBe(5.8);
  });

  it('counts bad rows with their line and reason, and keeps the first 20', () => {
    const bad = Array.from({ length: 25 }, () => ['不是时间', 'a', '', '1', '1', '']);
    const s = tally([...bad, ['2026-03-16 10:00:00', 'a', '', 'x', '1', ''], ['2026-03-16 10:00:00', 'a', '', '1', '1', '', 'extra']]);
    expect(s.ignored).toBe(27);
    expect(s.reasons).toEqual({ 'time.invalid': 25, 'count.invalid': 1, 'cells.extra': 1 });
    expect(s.problems).toHaveLength(20);
    expect(s.problems[0]).toEqual({ line: 2, problem: { code: 'time.invalid', value: '不是时间' } });
  });

  it('takes the mainstream list and the trend rule from grading.yaml, with defaults', () => {
    expect(signalsRules({})).toEqual({ mainstream: DEFAULT_MAINSTREAM, trendWindowMs: 3 * 3_600_000, rising: 1.5, falling: 0.67 });
    expect(signalsRules({ mainstream: ['A'], trend: { window: '90m', rising: 2, falling: 0.5 } })).toEqual({
      mainstream: ['A'],
      trendWindowMs: 90 * 60_000,
      rising: 2,
      falling: 0.5,
    });
  });
});

describe('what an import changes in the grading', () => {
  const summary = tally([['2026-03-16 10:00:00', 'a', '', '1500', '20000', '']]);
  const metrics = { ...GRADING.metrics, views: { indicator: 'propagation' as const, thresholds: [1, 2, 3] as [number, number, number] }, hours: GRADING.metrics.reposts!, trend: { indicator: 'durationTrend' as const, values: { rising: 3 } } };

  it('gives reposts, views, hours and trend — only those the grading knows', () => {
    expect(gradingChange(summary, {}, { metrics })).toEqual({ hours: 5, reposts: 1500, views: 20000, trend: 'falling' });
    expect(gradingChange(summary, {}, GRADING)).toEqual({ reposts: 1500 });
  });

  it('keeps a trend a person judged secondary, and measures no count the file has no column for', () => {
    const { plan } = planColumns(['时间', '来源'], []);
    const t = new MentionTally({ plan, columns: 2, window: { from: at('2026-03-16T09:00:00'), to: at('2026-03-16T15:00:00') }, timeZone: 'Asia/Shanghai', rules: RULES });
    t.add(2, ['2026-03-16 14:00', '微博']);
    expect(gradingChange(t.result(), { trend: 'secondary' }, { metrics })).toEqual({ hours: 1 });
  });

  it('records times in the incident’s zone', () => {
    const p = importedPayload({ name: 'm.csv', sha256: 'ab'.repeat(32), format: 'csv', encoding: 'utf-8', summary }, 'Asia/Shanghai', { reposts: 1500 });
    expect(p.window).toEqual({ from: '2026-03-16T09:00:00+08:00', to: '2026-03-16T15:00:00+08:00' });
    expect(p.series[0]).toEqual({ hour: '2026-03-16T10:00:00+08:00', mentions: 1 });
    expect(p.metrics).not.toHaveProperty('trendCounts');
  });
});

describe('the terminal chart', () => {
  it('draws a mark per value scaled to the largest, and · for none', () => {
    expect(sparkline([0, 1, 2, 4, 8], 8)).toBe('·▁▂▄█');
  });

  it('sums hours into marks when they do not fit', () => {
    expect(bucket([1, 2, 3, 4, 5], 2)).toEqual([3, 7, 5]);
  });
});

describe('the engine: an import recorded with its regrade', () => {
  const pb = playbook([{ id: 'watch', phase: 'monitoring' }, { id: 'escalate', tiers: ['moderate', 'severe', 'critical'] }]);
  const summary = tally([['2026-03-16 10:00:00', 'a', '', '15000', '20000', '']]);
  const payload = importedPayload({ name: 'm.csv', sha256: 'cd'.repeat(32), format: 'csv', encoding: 'utf-8', summary }, 'Asia/Shanghai', { reposts: 15000 });

  it('records signals.imported, then the regrade with the metrics it measured, in one decision', () => {
    const h = new Harness(pb, { indicators: { eventLevel: 2, impactScope: 2 }, metrics: {}, impact: 'partial' });
    expect(h.state.tier).toBe('mild'); // 2 + 2 + 1 + 1 = 6
    const drafts = importSignals(h.state, payload, signalsReason(h.state, payload), T0 + HOUR, 'analyst', h.time);
    expect(drafts.map((d) => d.type)).toEqual(['signals.imported', 'incident.graded']);
    h.apply(() => drafts);
    // reposts 15000 → propagation 3: 2 + 2 + 3 + 1 = 8
    expect(h.state.tier).toBe('moderate');
    expect(h.state.inputs.metrics).toEqual({ reposts: 15000 });
    expect(h.state.signals).toHaveLength(1);
    expect(h.state.signals[0]).toMatchObject({ file: 'm.csv', at: T0 + HOUR, actor: 'analyst', applied: { reposts: 15000 } });
    expect(h.step('escalate').status).toBe('pending');
    expect(h.state.gradings[1]!.reason).toBe(`monitoring export m.csv (sha256 ${'cd'.repeat(6)}…)`);
  });

  it('records the import alone when it changes no metric the grading knows', () => {
    const h = new Harness(pb, inputs('mild'));
    const drafts = importSignals(h.state, { ...payload, applied: {} }, signalsReason(h.state, payload), T0 + HOUR, 'analyst', h.time);
    expect(drafts.map((d) => d.type)).toEqual(['signals.imported']);
  });

  it('is refused on a closed incident', () => {
    const h = new Harness(pb, inputs('mild'));
    // forced and granted by a second person (SPEC §9): closed at once
    h.apply((s) => closeIncident(s, { force: true, reason: 'drill over' }, T0 + MIN, 'x', true));
    expect(refusal(() => importSignals(h.state, payload, signalsReason(h.state, payload), T0 + HOUR, 'analyst', h.time))).toMatch(/closed/);
  });
});
