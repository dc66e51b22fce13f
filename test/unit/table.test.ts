// Terminal tables: they fit the width they are given, by wrapping a column or stacking the rows.
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/i18n/messages.js';
import { displayWidth, fitToWidth, renderTable, wrap } from '../../src/ui/table.js';

describe('wrap', () => {
  it('breaks between words, between CJK characters, and cuts a word longer than a line', () => {
    expect(wrap('report it by telephone to the regulator', 16)).toEqual(['report it by', 'telephone to the', 'regulator']);
    expect(wrap('判定是否报告并电话报告监管', 10)).toEqual(['判定是否报', '告并电话报', '告监管']);
    expect(wrap('通知 CSRC 派出机构 by phone', 12)).toEqual(['通知 CSRC 派', '出机构 by', 'phone']);
    expect(wrap('see https://example.com/a/very/long/path now', 10)).toEqual(['see', 'https://ex', 'ample.com/', 'a/very/lon', 'g/path now']);
    expect(wrap('', 10)).toEqual([]);
  });
});

const header = ['ID', 'Title', 'Tier', 'Opened'];
const rows = [
  ['INC-20261127-001', 'Trade confirmations delayed at the open for clients of the mobile app', 'moderate', '2026-11-27 09:31'],
  'Drills',
  ['DRL-20261127-002', '交易确认延迟演练：移动端客户在开盘时无法查看成交回报', 'severe', '2026-11-27 10:00'],
];
const widest = (text: string) => Math.max(...text.split('\n').map(displayWidth));

const m = messages('en');

describe('renderTable', () => {
  it('with no width (a pipe, a file) every row is one line, whatever its length', () => {
    const out = renderTable(m, header, rows, { wrap: [1] });
    expect(out.split('\n')).toHaveLength(5);
    expect(widest(out)).toBeGreaterThan(100);
  });

  it('wraps the wrapping column when that is enough, and keeps the other columns aligned', () => {
    const out = renderTable(m, header, rows, { width: 80, wrap: [1] });
    expect(widest(out)).toBeLessThanOrEqual(80);
    const lines = out.split('\n');
    expect(lines[2]).toMatch(/^INC-20261127-001 {2}Trade confirmations .* {2}moderate {2}2026-11-27 09:31$/);
    expect(lines[3]).toMatch(/^ {18}\S/); // the title goes on under its own column
    expect(out).toContain('Drills');
    // read the title back out of its column, across the lines it was wrapped onto
    const end = lines[2]!.indexOf('moderate') - 2;
    const title = lines.slice(2, lines.indexOf('Drills')).map((l) => l.slice(18, end).trim());
    expect(title.length).toBeGreaterThan(1);
    expect(title.join(' ')).toBe('Trade confirmations delayed at the open for clients of the mobile app');
    for (const cell of ['moderate', 'severe', '2026-11-27 10:00']) expect(out).toContain(cell);
  });

  it('stacks the rows, labelled, when even narrowed columns do not fit', () => {
    for (const lang of ['en', 'zh'] as const) {
      const out = renderTable(messages(lang), header, rows, { width: 40, wrap: [1] });
      expect(widest(out)).toBeLessThanOrEqual(40);
      expect(out).not.toContain('───');
      expect(out).toMatch(/^INC-20261127-001 {2}Trade/m);
      expect(out).toContain(lang === 'en' ? 'Tier: moderate' : 'Tier：moderate');
      expect(out.replace(/\s+/g, '')).toContain('交易确认延迟演练：移动端客户在开盘时无法查看成交回报');
    }
  });
});

describe('words from the files, for people', () => {
  it('metric values and durations the catalogue knows are named in the language; others stay as written', () => {
    const zh = messages('zh');
    expect([zh.valueLabel('rising'), zh.valueLabel('secondary'), zh.valueLabel('sideways')]).toEqual(['上升', '二次发酵', 'sideways']);
    expect([zh.durationLabel('30m'), zh.durationLabel('1h'), zh.durationLabel('5wd'), zh.durationLabel('soon')]).toEqual(['30 分钟', '1 小时', '5 个工作日', 'soon']);
    expect([m.valueLabel('secondary'), m.durationLabel('2d')]).toEqual(['secondary wave', '2 d']);
  });
});

describe('fitToWidth', () => {
  it('wraps long lines at words, keeping indentation and bullets; short lines and no width stay as they are', () => {
    const text = 'Title line\n  ☐ Call the CSRC bureau and the exchange within thirty minutes of confirming\n  ☎ 张三 — 总经理';
    expect(fitToWidth(text, undefined)).toBe(text);
    expect(fitToWidth(text, 40).split('\n')).toEqual([
      'Title line',
      '  ☐ Call the CSRC bureau and the',
      '    exchange within thirty minutes of',
      '    confirming',
      '  ☎ 张三 — 总经理',
    ]);
    expect(fitToWidth('  • 立即向证监会派出机构和交易所电话报告并记录报告时间', 20).split('\n')).toEqual(['  • 立即向证监会派出', '    机构和交易所电话', '    报告并记录报告时', '    间']);
  });
});
