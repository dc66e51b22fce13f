// `sec-incident signals import` on the built CLI (issue 18): a day's export shifted to end now,
// so the figures are the hand-computed ones of test/unit/signals-read.test.ts; --apply moves the
// tier as they say, the report shows the import and the chart, bad input records nothing.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/ui/table.js';
import { cli, expectUsageError, FIXTURES, json, ROOT, tempDir } from '../helpers.js';
import { mermaidBlocks, parseMarkdown, plain, readXychart, section, tables } from '../report-markdown.js';

const MIN = 60_000;

/** The fixture day's rows with times moved so that its 15:00 is `end`, written as local Shanghai times. */
function shiftedDay(end: number): string {
  const [header, ...rows] = readFileSync(join(FIXTURES, 'signals', 'zh-headers.csv'), 'utf8').trim().split('\r\n');
  const fixtureEnd = Date.parse('2026-03-16T15:00:00+08:00');
  const local = (ms: number) => new Date(ms + 8 * 60 * MIN).toISOString().slice(0, 19).replace('T', ' ');
  const moved = rows.map((row) => {
    const [time, ...rest] = row.split(',');
    return [local(end - (fixtureEnd - Date.parse(`${time!.replace(' ', 'T')}+08:00`))), ...rest].join(',');
  });
  return `${[header, ...moved].join('\n')}\n`;
}

describe('sec-incident signals import', () => {
  const dir = tempDir();
  const db = join(dir, 'audit.db');
  const file = join(dir, 'mentions.csv');
  const run = (...args: string[]) => cli([...args, '--db', db]);
  let id = '';
  const events = () => json(run('log', id, '--json')).length as number;

  beforeAll(() => {
    // eventLevel 2 + impactScope 3 (20 000 clients) + 1 + 1 = 7: moderate
    const opened = run('open', '--type', 'trading-outage', '--title', 'APP login failures', '--indicator', 'eventLevel=2', '--metric', 'affectedClients=20000', '--impact', 'partial', '--var', 'systems=APP', '--json');
    expect(opened.code, opened.stderr).toBe(0);
    id = json(opened).id;
    // its last mention ten minutes ago; the import's window is the last six hours
    writeFileSync(file, shiftedDay(Date.now() + 30_000));
  });

  it('shows the figures and the grading they give, and records nothing without --apply', () => {
    const before = events();
    const r = run('signals', 'import', id, file, '--since', '6h', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = json(r);
    expect(out).toMatchObject({ rows: 12, used: 10, ignored: 0, recorded: false });
    expect(out.outside).toEqual({ before: 1, after: 1 });
    expect(out.metrics).toEqual({
      mentions: 10,
      reposts: 6000,
      views: 138000,
      comments: 221,
      likes: 701,
      platforms: 5,
      hours: 5.3,
      trend: 'rising',
      negativeShare: 0.5556,
      mainstream: ['财新', '证券时报'],
    });
    expect(out.window.from).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    expect(out.series.reduce((sum: number, p: { mentions: number }) => sum + p.mentions, 0)).toBe(10);
    expect(out.applied).toEqual({ reposts: 6000, views: 138000, hours: 5.3, trend: 'rising' });
    // views 138 000 → propagation 3; rising → durationTrend 3: 2 + 3 + 3 + 3 = 11
    expect(out.grading.before).toMatchObject({ tier: 'moderate', score: 7 });
    expect(out.grading.after).toMatchObject({ tier: 'severe', score: 11, levels: { propagation: 3, durationTrend: 3 } });
    expect(events()).toBe(before);
    expect(json(run('status', id, '--json')).tier).toBe('moderate');
  });

  it('fits 80 columns in both languages, a sparkline row per platform', () => {
    for (const lang of ['en_US.UTF-8', 'zh_CN.UTF-8']) {
      const r = cli(['signals', 'import', id, file, '--since', '6h', '--db', db], { env: { LANG: lang } });
      expect(r.code, r.stderr).toBe(0);
      for (const line of r.stdout.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
      for (const platform of ['微博', '雪球', '股吧', '今日头条', '微信']) expect(r.stdout).toMatch(new RegExp(`^  ${platform} +[·▁▂▃▄▅▆▇█]+ +\\d+$`, 'm'));
      expect(r.stdout).toMatch(/^ {2}(Views|浏览量) +138 000$/m);
    }
  });

  it('--apply records the import and regrades in one append: the tier moves as the figures say', () => {
    const before = events();
    const r = run('signals', 'import', id, file, '--since', '6h', '--apply', '--json', '--actor', 'opinion-analyst');
    expect(r.code, r.stderr).toBe(0);
    expect(json(r).recorded).toBe(true);
    const log = json(run('log', id, '--json'));
    const added = log.slice(before).map((e: { type: string }) => e.type);
    expect(added.slice(0, 2)).toEqual(['signals.imported', 'incident.graded']);
    const imported = log[before].payload;
    expect(imported).toMatchObject({ file: 'mentions.csv', rows: 12, used: 10, ignored: 0, applied: { reposts: 6000, views: 138000, hours: 5.3, trend: 'rising' } });
    expect(imported.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(log[before].actor).toBe('opinion-analyst');
    expect(json(run('status', id, '--json')).tier).toBe('severe');
  });

  it('the report lists the import in the grading section, with the chart of mentions per hour', () => {
    const r = run('report', id);
    expect(r.code, r.stderr).toBe(0);
    const grading = section(parseMarkdown(r.stdout), 'Grading');
    const table = tables(grading).find((x) => x.header.includes('sha256'))!;
    expect(table.rows).toHaveLength(1);
    const row = table.rows[0]!;
    const log = json(run('log', id, '--json'));
    const imported = log.find((e: { type: string }) => e.type === 'signals.imported');
    expect(row[1]).toBe('mentions.csv (CSV, utf-8)');
    expect(row[2]).toBe(imported.payload.sha256);
    expect(row[3]).toBe('10 / 12 (0)');
    expect(row[5]).toContain('reposts 6000; views 138000; platforms 5; hours 5.3; trend rising');
    const chart = mermaidBlocks(grading).find((b) => b.startsWith('xychart-beta'))!;
    const { chart: xy, problems } = readXychart(chart);
    expect(problems).toEqual([]);
    expect(xy.bars.reduce((a, b) => a + b, 0)).toBe(10);
    expect(xy.bars).toEqual(imported.payload.series.map((p: { mentions: number }) => p.mentions));
    expect(plain(grading)).toContain('Monitoring imports');

    const doc = json(run('report', id, '--format', 'json'));
    expect(doc.signals.series).toEqual(imported.payload.series);
    expect(doc.signals.imports[0]).toMatchObject({ file: 'mentions.csv', sha256: imported.payload.sha256 });
  });

  it('by default reads from when the fault began (--started-at)', () => {
    const started = new Date(Date.now() - 6 * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
    const opened = run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--started-at', started, '--json');
    expect(opened.code, opened.stderr).toBe(0);
    const r = run('signals', 'import', json(opened).id, file, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ used: 10, outside: { before: 1, after: 1 } });
    expect(Date.parse(json(r).window.from)).toBe(Date.parse(started));
  });

  it('lists bad rows with their line and reason, and grades on the rest', () => {
    const r = run('signals', 'import', id, join(FIXTURES, 'signals', 'bad-rows.csv'), '--since', '2026-03-16T09:00+08:00');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Rows: 9 read, 3 in the window, 6 ignored/);
    expect(r.stdout).toContain('line 4: time "昨天下午" is not a date');
    expect(r.stdout).toContain('line 7: reposts "很多" is not a count');
    expect(r.stdout).toContain('line 10: 12 cells, more than the header');
  });

  it('refuses bad input with exit 2 and records nothing', () => {
    const before = events();
    const big = join(dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, 200 * 1024 * 1024 + 1);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '发布时间,来源\n不是时间,微博\n');
    expectUsageError(run('signals', 'import', id, file, '--map', '渠道=platform', '--apply'), /--map names no column of the file: 渠道/);
    expectUsageError(run('signals', 'import', id, file, '--map', '来源=channel', '--apply'), /unknown field "channel"/);
    expectUsageError(run('signals', 'import', id, big, '--apply'), /over the 200 MB limit/);
    expectUsageError(run('signals', 'import', id, empty, '--apply'), /no usable row \(1 ignored\)/);
    expectUsageError(run('signals', 'import', id, file, '--encoding', 'latin1', '--apply'), /not utf-8 or gbk/);
    expectUsageError(run('signals', 'import', id, file, '--since', 'tomorrow', '--apply'), /is not a time/);
    expectUsageError(run('signals', 'import', id, join(dir, 'missing.csv'), '--apply'), /file not found/);
    expectUsageError(run('signals', 'import', 'INC-20990101-001', file, '--apply'), /INC-20990101-001/);
    expect(events()).toBe(before);
  });
});

describe('a drill that replays a monitoring export', () => {
  const dir = tempDir();
  const db = join(dir, 'audit.db');
  const DRILL = join(ROOT, 'drills', 'trading-outage-monitoring-export-replayed.yaml');

  it('regrades from the file at each entry’s offset, seeing only the mentions up to then', () => {
    const r = cli(['drill', DRILL, '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r);
    expect(out.passed).toBe(true);
    expect(out.tierHistory).toEqual([
      { at: '2026-03-16T09:31:00+08:00', tier: 'moderate' },
      { at: '2026-03-16T11:31:00+08:00', tier: 'severe' },
    ]);
    const imports = json(cli(['log', out.incident, '--json', '--db', db])).filter((e: { type: string }) => e.type === 'signals.imported');
    expect(imports.map((e: { at: string }) => e.at)).toEqual(['2026-03-16T11:31:00+08:00', '2026-03-16T14:31:00+08:00']);
    // 11:31: 09:40, 10:15, 10:50, 11:30 — all in the last three hours; 09:40 → 11:31 is 1 h 51 min
    expect(imports[0].payload).toMatchObject({ used: 4, outside: { before: 1, after: 7 }, applied: { reposts: 1525, views: 31700, hours: 1.8, trend: 'rising' } });
    // 14:31: nine mentions; five in (11:31, 14:31] against four before: stable; 4 h 51 min
    expect(imports[1].payload).toMatchObject({ used: 9, applied: { reposts: 5975, views: 136700, hours: 4.8, trend: 'stable' } });
    expect(imports[1].payload.window).toEqual({ from: '2026-03-16T09:31:00+08:00', to: '2026-03-16T14:31:00+08:00' });
  });

  it('refuses a drill whose export cannot be read, at the entry, before anything is recorded', () => {
    const scenario = join(dir, 'missing-export.yaml');
    writeFileSync(scenario, readFileSync(DRILL, 'utf8').replace('{at: 5h, signals: data/login-failure-mentions.csv}', '{at: 5h, signals: nowhere.csv}'));
    const before = json(cli(['list', '--drills', '--json', '--db', db])).length;
    const r = cli(['drill', scenario, '--db', db]);
    expectUsageError(r, /missing-export\.yaml:\d+:\d+: file not found: .*nowhere\.csv/);
    expect(json(cli(['list', '--drills', '--json', '--db', db])).length).toBe(before);
  });
});
