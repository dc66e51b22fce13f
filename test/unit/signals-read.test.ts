// Reading monitoring exports (issue 18): the fixtures in test/fixtures/signals/ — one day's twelve
// mentions as UTF-8, UTF-8 with BOM, GBK, English headers, JSON lines and XLSX — each against
// the figures worked out by hand below, plus a file with bad rows and the files refused.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { DEFAULT_MAINSTREAM, signalsRules } from '../../src/signals/tally.js';
import { MAX_BYTES, readSignals, utf8Check, type ReadRequest } from '../../src/signals/read.js';
import { parseInstant } from '../../src/time/zone.js';
import { loadGrading } from '../../src/playbook/library.js';
import { BUNDLED_PLAYBOOKS, FIXTURES, tempDir } from '../helpers.js';

const DIR = join(FIXTURES, 'signals');
const at = (local: string) => parseInstant(`${local}+08:00`)!;
const WINDOW = { from: at('2026-03-16T09:00:00'), to: at('2026-03-16T15:00:00') };
const request = (file: string, extra: Partial<ReadRequest> = {}): ReadRequest => ({
  file,
  maps: [],
  window: WINDOW,
  timeZone: 'Asia/Shanghai',
  rules: signalsRules({ mainstream: [...DEFAULT_MAINSTREAM] }),
  ...extra,
});

// The day, worked out by hand. Ten mentions from 09:40 to 14:50 are in the window; 08:30 is
// before it and 15:30 after it.
const DAY = {
  rows: 12,
  used: 10,
  ignored: 0,
  outside: { before: 1, after: 1 },
  metrics: {
    mentions: 10,
    // 1200 + 300 + 20 + 5 + 2500 + 800 + 150 + 600 + 400 + 25
    reposts: 6000,
    // 20000 + 8000 + 1500 + 2200 + 50000 + 30000 + 4000 + 12000 + 9000 + 1300
    views: 138000,
    comments: 221,
    likes: 701,
    // 微博, 雪球, 股吧, 今日头条, 微信
    platforms: 5,
    // 09:40 → 15:00 = 5 h 20 min, rounded down to a tenth
    hours: 5.3,
    // (12:00, 15:00]: 12:05 12:40 13:10 13:45 14:20 14:50 = 6; (09:00, 12:00]: 4; 6/4 = 1.5 ≥ 1.5
    trend: 'rising',
    trendCounts: { last: 6, before: 4 },
    // negative 5 of the 9 with a sentiment (14:50 has none)
    negativeShare: 0.5556,
    // authors 财新网 (12:05) and 证券时报 (12:40)
    mainstream: ['财新', '证券时报'],
  },
  // 09 10 11 12 13 14 15 h
  series: [1, 2, 1, 2, 2, 2, 0],
};

function expectDay(summary: Awaited<ReturnType<typeof readSignals>>['summary']) {
  expect(summary.rows).toBe(DAY.rows);
  expect(summary.used).toBe(DAY.used);
  expect(summary.ignored).toBe(DAY.ignored);
  expect(summary.outside).toEqual(DAY.outside);
  expect(summary.metrics).toEqual(DAY.metrics);
  expect(summary.series.map((s) => s.mentions)).toEqual(DAY.series);
  expect(summary.series[0]!.hour).toBe(at('2026-03-16T09:00:00'));
}

describe('the same day in every format', () => {
  const dir = tempDir();
  const xlsx = join(dir, 'mentions.xlsx');

  beforeAll(async () => {
    // the workbook a platform would export: a title row, dates as dates, counts as numbers
    const lines = readFileSync(join(DIR, 'zh-headers.csv'), 'utf8').trim().split('\r\n').map((l) => l.split(','));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('舆情');
    sheet.addRow(['某证券舆情监测导出']);
    sheet.addRow(lines[0]!);
    for (const cells of lines.slice(1)) {
      const [y, mo, d, h, mi] = cells[0]!.split(/[- :]/).map(Number) as [number, number, number, number, number];
      const row = sheet.addRow([new Date(Date.UTC(y, mo - 1, d, h, mi)), ...cells.slice(1, 5), ...cells.slice(5, 9).map(Number), cells[9]]);
      row.getCell(1).numFmt = 'yyyy-mm-dd hh:mm:ss';
    }
    workbook.addWorksheet('汇总').addRow(['不是提及']);
    await workbook.xlsx.writeFile(xlsx);
  });

  it('UTF-8 with Chinese headers', async () => {
    const r = await readSignals(request(join(DIR, 'zh-headers.csv')));
    expect([r.format, r.encoding]).toEqual(['csv', 'utf-8']);
    expect(r.summary.fields).toEqual(['time', 'platform', 'title', 'url', 'author', 'reposts', 'comments', 'likes', 'views', 'sentiment']);
    expectDay(r.summary);
  });

  it('UTF-8 with a BOM', async () => {
    const r = await readSignals(request(join(DIR, 'zh-headers.bom.csv')));
    expect(r.encoding).toBe('utf-8-bom');
    expectDay(r.summary);
  });

  it('GBK, as Excel on a Chinese Windows saves it: detected and decoded', async () => {
    const file = join(DIR, 'zh-headers.gbk.csv');
    // the fixture is the UTF-8 file's text in GBK, byte for byte
    expect(iconv.decode(readFileSync(file), 'gbk')).toBe(readFileSync(join(DIR, 'zh-headers.csv'), 'utf8'));
    const r = await readSignals(request(file));
    expect(r.encoding).toBe('gbk');
    expectDay(r.summary);
    expect(r.summary.platforms.map((p) => p.platform)).toEqual(['微博', '雪球', '今日头条', '微信', '股吧']);
  });

  it('GBK read as UTF-8 because the flag says so is refused with advice', async () => {
    expect(messages('en').error(await readSignals(request(join(DIR, 'zh-headers.gbk.csv'), { encoding: 'utf-8' })).catch((e: unknown) => e))).toMatch(/--encoding gbk/);
  });

  it('English headers, times with an offset', async () => {
    const r = await readSignals(request(join(DIR, 'en-headers.csv')));
    expectDay(r.summary);
  });

  it('JSON lines, a time in epoch milliseconds and a count written 5万', async () => {
    const r = await readSignals(request(join(DIR, 'mentions.jsonl')));
    expect([r.format, r.encoding]).toEqual(['jsonl', 'utf-8']);
    expectDay(r.summary);
  });

  it('XLSX (exceljs): the first worksheet, below its title row', async () => {
    const r = await readSignals(request(xlsx));
    expect([r.format, r.encoding]).toEqual(['xlsx', null]);
    expectDay(r.summary);
  });

  it('gives the file’s sha256', async () => {
    const r = await readSignals(request(join(DIR, 'zh-headers.csv')));
    const { createHash } = await import('node:crypto');
    expect(r.sha256).toBe(createHash('sha256').update(readFileSync(join(DIR, 'zh-headers.csv'))).digest('hex'));
  });
});

describe('bad rows and refused files', () => {
  const dir = tempDir();

  it('counts each bad row with its line and reason, and grades on the rest', async () => {
    const r = await readSignals(request(join(DIR, 'bad-rows.csv')));
    // a title row (line 1), the header (line 2); good rows on lines 3, 5 and 9
    expect(r.summary.used).toBe(3);
    expect(r.summary.rows).toBe(9);
    expect(r.summary.ignored).toBe(6);
    expect(r.summary.problems.map((p) => [p.line, p.problem.code])).toEqual([
      [4, 'time.invalid'],
      [6, 'time.missing'],
      [7, 'count.invalid'],
      [8, 'time.invalid'],
      [10, 'cells.extra'],
      [11, 'count.invalid'],
    ]);
    expect(r.summary.reasons).toEqual({ 'time.invalid': 2, 'time.missing': 1, 'count.invalid': 2, 'cells.extra': 1 });
    // 1200 + 300 + 20; 20000 + 8000 + 1500
    expect(r.summary.metrics).toMatchObject({ reposts: 1520, views: 29500, platforms: 2 });
  });

  it('refuses an unknown column in --map before reading a row', async () => {
    const refused = await readSignals(request(join(DIR, 'zh-headers.csv'), { maps: [{ column: '渠道', field: 'platform' }] })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ exitCode: 2 });
    expect(messages('en').error(refused)).toMatch(/渠道/);
  });

  it('refuses a file with no usable row, and one with no time column', async () => {
    const noRows = join(dir, 'no-rows.csv');
    writeFileSync(noRows, '发布时间,来源\n不是时间,微博\n,微博\n');
    expect(messages('en').error(await readSignals(request(noRows)).catch((e: unknown) => e))).toMatch(/no usable row \(2 ignored\)/);
    const noTime = join(dir, 'no-time.csv');
    writeFileSync(noTime, '标题,来源\nx,微博\n');
    expect(messages('en').error(await readSignals(request(noTime)).catch((e: unknown) => e))).toMatch(/--map <column>=time/);
  });

  it('refuses a file with no mention in the window, saying how many fell outside', async () => {
    const refused = await readSignals(request(join(DIR, 'zh-headers.csv'), { window: { from: at('2026-03-17T00:00:00'), to: at('2026-03-17T06:00:00') } })).catch((e: unknown) => e);
    expect(messages('en').error(refused)).toMatch(/12 before, 0 after/);
  });

  it('refuses a file over 200 MB without reading it', async () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, MAX_BYTES + 1); // sparse: no 200 MB written
    const error = await readSignals(request(big)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(messages('en').error(error)).toMatch(/over the 200 MB limit/);
  });
});

describe('the UTF-8 check over chunks', () => {
  it('carries a character cut between two chunks, and finds a byte that is not UTF-8', () => {
    const bytes = Buffer.from('发布时间,来源\n', 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const check = utf8Check();
      expect(check.chunk(bytes.subarray(0, cut)) && check.chunk(bytes.subarray(cut)) && check.end(), `cut at ${cut}`).toBe(true);
    }
    const gbk = utf8Check();
    expect(gbk.chunk(iconv.encode('发布时间,来源\n', 'gbk'))).toBe(false);
    const truncated = utf8Check();
    expect(truncated.chunk(bytes.subarray(0, 2)) && truncated.end()).toBe(false);
  });
});

describe('grading.yaml for signals', () => {
  it('has the bundled mainstream list and trend rule, and refuses a trend whose falling is not below rising', () => {
    const bundled = loadGrading(BUNDLED_PLAYBOOKS);
    expect(bundled.mainstream).toEqual([...DEFAULT_MAINSTREAM]);
    expect(bundled.trend).toEqual({ window: '3h', rising: 1.5, falling: 0.67 });
    const dir = tempDir();
    const text = readFileSync(join(BUNDLED_PLAYBOOKS, 'grading.yaml'), 'utf8').replace(/^trend: .*$/m, 'trend: {window: 3h, rising: 0.5, falling: 0.8}');
    writeFileSync(join(dir, 'grading.yaml'), text);
    const error = (() => {
      try {
        loadGrading(dir);
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error?.problems.map((p) => [p.line, messages('en').say(p.message)])).toEqual([[text.split('\n').findIndex((l) => l.startsWith('trend:')) + 1, 'trend: `falling` must be below `rising`']]);
  });
});

describe('a file of many chunks', () => {
  it('gives the line of a bad row far into the file, and every row', async () => {
    const dir = tempDir();
    const file = join(dir, 'long.csv');
    const good = '2026-03-16 10:00:00,微博,一条很长的标题用来把文件撑到几兆字节,https://weibo.com/x,某人,1,0,0,10,中性\n';
    const rows = 40_000; // about 4 MB: four chunks and more
    const lines = ['发布时间,来源,标题,链接,作者,转发数,评论数,点赞数,阅读数,情感倾向', ...Array.from({ length: rows }, (_, i) => (i === rows - 7 ? good.replace('2026-03-16 10:00:00', '不是时间') : good).trimEnd())];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await readSignals(request(file));
    expect(r.summary.rows).toBe(rows);
    expect(r.summary.used).toBe(rows - 1);
    expect(r.summary.metrics.reposts).toBe(rows - 1);
    // the header is line 1; row i is line i + 2
    expect(r.summary.problems).toEqual([{ line: rows - 7 + 2, problem: { code: 'time.invalid', value: '不是时间' } }]);
  });
});
